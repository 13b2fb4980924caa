// Outbound throttling: the gateway keeps each provider under the limits it declares, so the
// provider never has to refuse; overflow goes to another deployment when one can serve.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <future>

using namespace switchboard::testing;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {
std::string config(mock_upstream const& primary, mock_upstream const& backup, std::string const& limits) {
    return "providers:\n  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") +
           "\", api_key: k-primary-00001, limits: " + limits + "}\n  backup: {kind: openai, base_url: \"" +
           backup.base_url("/v1") +
           "\", api_key: k-backup-000001}\nmodels:\n  chat: [primary/p, backup/b]\n" +
           "  solo: [primary/p]\n";
}

std::vector<client_response> concurrently(gateway_fixture& gw, std::string const& model, int n) {
    std::vector<std::future<client_response>> pending;
    for (int i = 0; i < n; ++i)
        pending.push_back(std::async(std::launch::async, [&gw, model, i] {
            return gw.chat(chat_body(model, "call " + std::to_string(i)));
        }));
    std::vector<client_response> out;
    for (auto& p : pending) out.push_back(p.get());
    return out;
}
} // namespace

BOOST_AUTO_TEST_SUITE(throttling)

BOOST_AUTO_TEST_CASE(max_concurrent_is_never_exceeded) {
    mock_upstream primary, backup;
    auto slow = canned_reply::json(200, completion_body("p"));
    slow.delay = milliseconds(100);
    primary.always(slow);
    gateway_fixture gw(config(primary, backup, "{max_concurrent: 2}"));
    for (auto const& r : concurrently(gw, "solo", 8)) BOOST_TEST(r.status == 200);
    BOOST_TEST(primary.hits() == 8u);
    BOOST_TEST(primary.peak_concurrency() == 2u);
}

BOOST_AUTO_TEST_CASE(requests_per_minute_spaces_calls_so_the_provider_never_refuses) {
    mock_upstream primary, backup;
    // The provider's own limit: it refuses a request that comes within 200 ms of the previous.
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    primary.reply_with([last](recorded_request const& r) {
        bool const too_soon =
            *last != std::chrono::steady_clock::time_point{} && r.at - *last < milliseconds(200);
        *last = r.at;
        return too_soon ? canned_reply::json(429, R"({"error":{"message":"rate limited"}})")
                        : canned_reply::json(200, completion_body("p"));
    });
    // 2/s, one at a time: 300 ms of jitter margin. Four calls keep every wait under the 2 s a
    // (default) P1 call may wait for capacity.
    gateway_fixture gw(config(primary, backup, "{requests_per_minute: 120, burst: 500ms}"));
    for (auto const& r : concurrently(gw, "solo", 4)) {
        BOOST_TEST(r.status == 200);
        BOOST_TEST(r.header("x-switchboard-attempts") == "1");
    }
    BOOST_TEST(primary.hits() == 4u); // no 429, so no retries
}

BOOST_AUTO_TEST_CASE(overflow_goes_to_the_fallback_instead_of_waiting) {
    mock_upstream primary, backup;
    primary.always(canned_reply::json(200, completion_body("p")));
    backup.always(canned_reply::json(200, completion_body("b")));
    gateway_fixture gw(config(primary, backup, "{requests_per_minute: 6}")); // one per 10 s
    auto first = gw.chat(chat_body("chat"));
    auto second = gw.chat(chat_body("chat"));
    BOOST_TEST(json::parse(first.body).at("model").as_string() == "p");
    BOOST_TEST(json::parse(second.body).at("model").as_string() == "b");
    BOOST_TEST(second.header("x-switchboard-attempts") == "1"); // no call was spent on the primary
    BOOST_TEST(primary.hits() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
