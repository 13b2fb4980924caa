// The in-process cache level: TTLs on an injected clock, a bound in bytes, scan resistance,
// clearing by namespace and tag.
#include "adapters/cache/memory_cache.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard;

namespace {
std::shared_ptr<adapters::cached_answer const> answer(std::int64_t now, std::int64_t ttl_ms, std::string ns = "acme",
                                                      std::vector<std::string> tags = {}, std::size_t size = 100) {
    auto a = std::make_shared<adapters::cached_answer>();
    a->body = std::string(size, 'x');
    a->cache_namespace = std::move(ns);
    a->tags = std::move(tags);
    a->stored_ms = now;
    a->expires_ms = now + ttl_ms;
    return a;
}
} // namespace

BOOST_AUTO_TEST_SUITE(memory_cache)

BOOST_AUTO_TEST_CASE(an_entry_is_served_until_its_ttl_ends) {
    std::int64_t now = 1'000;
    adapters::memory_cache cache(1 << 20, [&] { return now; });
    cache.put("k", answer(now, 5'000));
    BOOST_TEST(cache.get("k") != nullptr);
    BOOST_TEST(cache.get("other") == nullptr);
    now += 4'999;
    BOOST_TEST(cache.get("k") != nullptr);
    now += 1;
    BOOST_TEST(cache.get("k") == nullptr);
    BOOST_TEST(cache.counts().entries == 0u); // dropped when found expired
}

BOOST_AUTO_TEST_CASE(the_bytes_stay_bounded_and_a_scan_never_pushes_out_what_is_read_again) {
    std::int64_t now = 0;
    std::size_t const bound = 16 * 8'000; // 16 shards of 8000 bytes: some 25 entries each
    adapters::memory_cache cache(bound, [&] { return now; });
    std::vector<std::string> hot;
    for (int i = 0; i < 40; ++i) hot.push_back("hot-" + std::to_string(i));
    for (auto const& k : hot) cache.put(k, answer(now, 60'000));
    for (int round = 0; round < 2; ++round)
        for (auto const& k : hot) BOOST_TEST_REQUIRE(cache.get(k) != nullptr); // read again: protected
    for (int i = 0; i < 5'000; ++i) cache.put("scan-" + std::to_string(i), answer(now, 60'000)); // one-time keys
    auto const c = cache.counts();
    BOOST_TEST(c.bytes <= bound);
    BOOST_TEST(c.evictions > 4'000u);
    int kept = 0;
    for (auto const& k : hot) kept += cache.get(k) != nullptr;
    BOOST_TEST(kept == 40);
}

BOOST_AUTO_TEST_CASE(clearing_takes_a_namespace_with_its_sub_namespaces_or_a_tag) {
    adapters::memory_cache cache(1 << 20, [] { return std::int64_t{0}; });
    cache.put("a1", answer(0, 1'000, "acme", {"gifts"}));
    cache.put("a2", answer(0, 1'000, "acme/step_1", {"fr"}));
    cache.put("a3", answer(0, 1'000, "acmeco", {"gifts"}));
    cache.put("b1", answer(0, 1'000, "beta", {"gifts"}));
    BOOST_TEST(cache.clear("", "gifts") == 3u);
    BOOST_TEST(cache.get("a2") != nullptr);
    BOOST_TEST(cache.clear("acme", "") == 1u); // a2, under acme; acmeco is another tenant
    BOOST_TEST(cache.counts().entries == 0u);
}

BOOST_AUTO_TEST_CASE(an_entry_too_large_for_its_share_is_not_kept) {
    adapters::memory_cache cache(16 * 10'000, [] { return std::int64_t{0}; });
    cache.put("big", answer(0, 1'000, "acme", {}, 5'000));
    BOOST_TEST(cache.get("big") == nullptr);
    cache.put("small", answer(0, 1'000, "acme", {}, 500));
    BOOST_TEST(cache.get("small") != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
