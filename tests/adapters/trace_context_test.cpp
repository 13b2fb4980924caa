// W3C traceparent: continued with a new span per upstream attempt, or started; tracestate
// passed on with a valid traceparent only.
#include "adapters/hex.hpp"
#include "adapters/http/trace_context.hpp"
#include "tests/adapters/gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <thread>

using namespace switchboard;
using namespace switchboard::testing;

namespace {
constexpr std::string_view incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool well_formed(std::string const& tp) {
    auto const t = adapters::continue_or_start_trace(tp, "");
    return tp.size() == 55 && tp.substr(3, 32) == t.trace_id; // a valid one is continued as is
}
} // namespace

BOOST_AUTO_TEST_SUITE(trace_context)

BOOST_AUTO_TEST_CASE(valid_traceparents_continue_and_malformed_ones_start_a_new_trace) {
    auto t = adapters::continue_or_start_trace(incoming, "vendor=abc");
    BOOST_TEST(t.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
    BOOST_TEST(t.flags == "01");
    BOOST_TEST(t.tracestate == "vendor=abc");
    auto const child = adapters::child_traceparent(t);
    BOOST_TEST(child.substr(0, 36) == "00-4bf92f3577b34da6a3ce929d0e0e4736-");
    BOOST_TEST(child.substr(36, 16) != "00f067aa0ba902b7"); // our own span
    BOOST_TEST(child.substr(52) == "-01");
    BOOST_TEST(adapters::child_traceparent(t) != child);

    for (std::string_view bad : {"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                                 "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                                 "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                 "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                                 "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"}) {
        auto fresh = adapters::continue_or_start_trace(bad, "vendor=abc");
        BOOST_TEST(fresh.trace_id != "4bf92f3577b34da6a3ce929d0e0e4736", bad);
        BOOST_TEST(fresh.trace_id.size() == 32u);
        BOOST_TEST(fresh.tracestate.empty(), bad);
        BOOST_TEST(well_formed(adapters::child_traceparent(fresh)));
    }
}

BOOST_AUTO_TEST_CASE(every_upstream_attempt_carries_the_trace_and_the_request_id) {
    mock_upstream up;
    int n = 0;
    up.reply_with([&](recorded_request const&) {
        return ++n == 1 ? canned_reply::json(500, R"({"error":{"message":"retry me"}})")
                        : canned_reply::json(200, completion_body());
    });
    gateway_fixture gw("resilience: {retry: {max_attempts: 2, backoff_base: 1ms, backoff_cap: 1ms}}\n"
                       "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-000000000001}\nmodels:\n  chat: [p/m]\n");
    auto res = gw.chat(chat_body("chat"), {{"traceparent", std::string(incoming)},
                                           {"tracestate", "vendor=abc"},
                                           {"X-Request-Id", "req-trace-1"}});
    BOOST_TEST(res.status == 200);
    auto const seen = up.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    for (auto const& r : seen) {
        BOOST_TEST(r.header("traceparent").substr(0, 36) == "00-4bf92f3577b34da6a3ce929d0e0e4736-");
        BOOST_TEST(r.header("tracestate") == "vendor=abc");
        BOOST_TEST(r.header("x-request-id") == "req-trace-1");
    }
    BOOST_TEST(seen[0].header("traceparent") != seen[1].header("traceparent")); // a span per attempt

    gw.chat(chat_body("chat"));
    auto const started = up.requests().back().header("traceparent");
    BOOST_TEST(well_formed(started));
    BOOST_TEST(started.substr(3, 32) != "4bf92f3577b34da6a3ce929d0e0e4736");
    BOOST_TEST(up.requests().back().header("tracestate").empty());
}

BOOST_AUTO_TEST_CASE(random_ids_are_lowercase_hex_of_the_length_asked_and_do_not_repeat_across_threads) {
    std::set<std::string> seen;
    auto draw = [](std::vector<std::string>& into) {
        for (int i = 0; i < 20'000; ++i) into.push_back(adapters::random_hex(32));
    };
    std::vector<std::string> here, there;
    std::thread other(draw, std::ref(there));
    draw(here);
    other.join();
    for (auto const* ids : {&here, &there})
        for (auto const& id : *ids) {
            BOOST_TEST_REQUIRE(id.size() == 32u);
            BOOST_TEST_REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos, id);
            seen.insert(id);
        }
    BOOST_TEST(seen.size() == 40'000u); // two threads seeded apart, no id twice
    std::set<char> digits; // every digit turns up, in every position of the id
    for (std::size_t at : {0u, 15u, 16u, 31u}) {
        digits.clear();
        for (std::size_t i = 0; i < 500; ++i) digits.insert(here[i][at]);
        BOOST_TEST(digits.size() == 16u, "position " << at);
    }
    BOOST_TEST(adapters::random_hex(5).size() == 5u);
    BOOST_TEST(adapters::random_hex(0).empty());
}

BOOST_AUTO_TEST_SUITE_END()
