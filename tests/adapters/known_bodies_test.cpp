// Request bodies already validated (known_bodies): found by their exact bytes only, bounded in
// bytes with the least recently used dropped first, too large a body never kept.
#include "adapters/cache/known_bodies.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard;
using adapters::known_bodies;

namespace {
std::shared_ptr<domain::chat_request const> chat(std::string model) {
    domain::chat_request r;
    r.model = std::move(model);
    return std::make_shared<domain::chat_request const>(std::move(r));
}
} // namespace

BOOST_AUTO_TEST_SUITE(known_bodies_memo)

BOOST_AUTO_TEST_CASE(a_body_is_found_by_its_exact_bytes_with_its_parse_and_key) {
    known_bodies memo;
    memo.keep(R"({"model":"a"})", chat("a"), "acme", "key-a");
    auto const found = memo.find(R"({"model":"a"})");
    BOOST_TEST_REQUIRE(found != nullptr);
    BOOST_TEST(found->chat->model == "a");
    BOOST_TEST(found->cache_namespace == "acme");
    BOOST_TEST(found->cache_key == "key-a");
    BOOST_TEST(memo.find(R"({"model": "a"})") == nullptr); // the same JSON, other bytes
    BOOST_TEST(memo.find(R"({"model":"a"} )") == nullptr);
    BOOST_TEST(memo.find("") == nullptr);
}

BOOST_AUTO_TEST_CASE(keeping_a_body_again_replaces_its_entry) {
    known_bodies memo;
    memo.keep("body", chat("a"), "acme", "key-1");
    memo.keep("body", chat("a"), "beta", "key-2");
    BOOST_TEST(memo.size() == 1u);
    BOOST_TEST(memo.bytes() == known_bodies::cost_of(4));
    BOOST_TEST(memo.find("body")->cache_key == "key-2");
}

BOOST_AUTO_TEST_CASE(the_least_recently_used_bodies_go_first_and_the_bytes_stay_bounded) {
    auto const each = known_bodies::cost_of(100); // a body, its parse's arena, the request
    BOOST_TEST(each > 1024u);
    known_bodies memo(known_bodies::limits{.max_body_bytes = 100, .max_bytes = 3 * each});
    std::string const one(100, '1'), two(100, '2'), three(100, '3'), four(100, '4');
    memo.keep(one, chat("1"), "", "k1");
    memo.keep(two, chat("2"), "", "k2");
    memo.keep(three, chat("3"), "", "k3");
    BOOST_TEST(memo.find(one) != nullptr); // used: two is now the oldest
    memo.keep(four, chat("4"), "", "k4");
    BOOST_TEST(memo.bytes() == 3 * each);
    BOOST_TEST(memo.find(two) == nullptr);
    BOOST_TEST(memo.find(one) != nullptr);
    BOOST_TEST(memo.find(three) != nullptr);
    BOOST_TEST(memo.find(four) != nullptr);
    memo.keep(std::string(101, 'x'), chat("x"), "", "kx"); // larger than a body may be
    BOOST_TEST(memo.size() == 3u);
    BOOST_TEST(memo.find(std::string(101, 'x')) == nullptr);
}

BOOST_AUTO_TEST_CASE(an_entry_found_outlives_its_eviction) {
    known_bodies memo(known_bodies::limits{.max_body_bytes = 10, .max_bytes = known_bodies::cost_of(10)});
    memo.keep("0123456789", chat("kept"), "", "k");
    auto const held = memo.find("0123456789");
    memo.keep("abcdefghij", chat("other"), "", "k2"); // evicts the first
    BOOST_TEST(memo.find("0123456789") == nullptr);
    BOOST_TEST(held->chat->model == "kept"); // a call still using it is unaffected
    BOOST_TEST(held->body == "0123456789");
}

BOOST_AUTO_TEST_SUITE_END()
