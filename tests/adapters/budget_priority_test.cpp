// Per-request budgets and priorities end to end: budgets cap calls with fast 429s and no upstream
// call, failures are not billed, lower priorities are shed first, and a burst of mixed-priority
// calls never makes a rate-limited provider refuse while every P0 is answered.
#include "domain/token_bucket.hpp"
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <future>
#include <mutex>

using namespace switchboard::testing;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {
std::string config(mock_upstream const& up, std::string const& extra = "", std::string const& limits = "{}",
                   std::string const& resilience = "{retry: {max_attempts: 1}}") {
    return extra + "resilience: " + resilience + "\nproviders:\n  p: {kind: openai, base_url: \"" +
           up.base_url("/v1") + "\", api_key: k-000000000001, limits: " + limits +
           "}\nmodels:\n  chat: [p/m]\n";
}

client_response call(gateway_fixture& gw, std::string const& budget, std::string const& priority) {
    std::vector<std::pair<std::string, std::string>> headers{{"X-Priority", priority}};
    if (!budget.empty()) headers.emplace_back("X-Budget-Id", budget);
    return gw.chat(chat_body("chat"), headers, std::chrono::seconds(150)); // P0 may queue for capacity
}

std::string code_of(client_response const& r) {
    return std::string(json::parse(r.body).at("error").at("code").as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(budgets_and_priorities)

BOOST_AUTO_TEST_CASE(a_budget_caps_calls_with_a_fast_429_and_no_upstream_call) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body()));
    gateway_fixture gw(config(up));
    for (int i = 0; i < 3; ++i) BOOST_TEST(call(gw, "user-request-1", "P1").status == 200);
    auto refused = call(gw, "user-request-1", "P1");
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(code_of(refused) == "budget_exhausted");
    BOOST_TEST(refused.header("x-should-retry") == "false");
    BOOST_TEST(up.hits() == 3u);
    BOOST_TEST(call(gw, "user-request-1", "P0").status == 200); // P0 always runs
    BOOST_TEST(call(gw, "user-request-2", "P1").status == 200); // another budget is untouched
    BOOST_TEST(call(gw, "", "P3").status == 200);               // no budget id: no budget
}

BOOST_AUTO_TEST_CASE(failed_calls_give_their_reservation_back) {
    mock_upstream up;
    up.always(canned_reply::json(500, R"({"error":{"message":"down"}})"));
    gateway_fixture gw(config(up, "", "{}", "{retry: {max_attempts: 1}, breaker: {failure_threshold: 100}}"));
    for (int i = 0; i < 5; ++i) BOOST_TEST(call(gw, "b", "P1").status == 503);
    up.always(canned_reply::json(200, completion_body()));
    for (int i = 0; i < 3; ++i) BOOST_TEST(call(gw, "b", "P1").status == 200);
    BOOST_TEST(call(gw, "b", "P1").status == 429);
}

BOOST_AUTO_TEST_CASE(lower_priorities_are_shed_first_as_a_budget_runs_down) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body()));
    gateway_fixture gw(config(up, "budgets: {max_calls: 4}\n")); // P3 may use 2, P2 3, P1 4
    BOOST_TEST(call(gw, "b", "P3").status == 200);
    BOOST_TEST(call(gw, "b", "P3").status == 200);
    BOOST_TEST(call(gw, "b", "P3").status == 429);
    BOOST_TEST(call(gw, "b", "P2").status == 200);
    BOOST_TEST(call(gw, "b", "P2").status == 429);
    BOOST_TEST(call(gw, "b", "P1").status == 200);
    BOOST_TEST(call(gw, "b", "P1").status == 429);
    BOOST_TEST(call(gw, "b", "P0").status == 200);
    BOOST_TEST(up.hits() == 5u);
}

BOOST_AUTO_TEST_CASE(bad_priority_or_budget_id_is_a_400) {
    mock_upstream up;
    gateway_fixture gw(config(up));
    auto bad_priority = call(gw, "b", "urgent");
    BOOST_TEST(bad_priority.status == 400);
    BOOST_TEST(json::parse(bad_priority.body).at("error").at("param").as_string() == "X-Priority");
    auto bad_budget = call(gw, "has spaces", "P1");
    BOOST_TEST(bad_budget.status == 400);
    BOOST_TEST(json::parse(bad_budget.body).at("error").at("param").as_string() == "X-Budget-Id");
    BOOST_TEST(up.hits() == 0u);
}

namespace {
// `clients` user requests, each sending 8 calls at once (2 each of P0..P3) under its own budget,
// against a provider whose own limit is a token bucket of `provider_burst` requests refilled at
// `provider_per_second`. The gateway is told 90% of that limit, as docs/RESILIENCE.md advises
// (arrival jitter can squeeze two calls the gateway spaced correctly).
void burst(int clients, double provider_burst, double provider_per_second, std::string const& extra_config) {
    mock_upstream up;
    std::mutex provider_mutex;
    switchboard::domain::token_bucket provider_limit(provider_burst, provider_per_second,
                                                     std::chrono::steady_clock::now());
    std::atomic<int> refused_by_provider{0};
    up.reply_with([&](recorded_request const& r) {
        std::lock_guard lock(provider_mutex);
        if (!provider_limit.try_take(1, r.at)) {
            ++refused_by_provider;
            return canned_reply::json(429, R"({"error":{"message":"rate limited"}})");
        }
        return canned_reply::json(200, completion_body());
    });
    double const rpm = provider_per_second * 60 * 0.9;
    double const burst_seconds = provider_burst / provider_per_second;
    gateway_fixture gw(config(up, extra_config,
                              "{requests_per_minute: " + std::to_string(rpm) + ", burst: " +
                                  std::to_string(static_cast<int>(burst_seconds * 1000)) + "ms}"));

    std::array<char const*, 8> const priorities{"P0", "P0", "P1", "P1", "P2", "P2", "P3", "P3"};
    std::vector<std::future<client_response>> pending;
    for (int c = 0; c < clients; ++c)
        for (std::size_t k = 0; k < priorities.size(); ++k)
            pending.push_back(std::async(std::launch::async, [&gw, c, k, &priorities] {
                return call(gw, "user-" + std::to_string(c), priorities[k]);
            }));
    std::array<int, 4> answered{};
    std::vector<std::array<int, 4>> per_budget(static_cast<std::size_t>(clients));
    for (std::size_t i = 0; i < pending.size(); ++i) {
        auto res = pending[i].get();
        auto const client = i / priorities.size();
        auto const level = (i % priorities.size()) / 2;
        if (res.status == 200) {
            ++answered[level];
            ++per_budget[client][level];
        } else {
            BOOST_TEST(res.status == 429);
            auto const code = code_of(res);
            BOOST_TEST((code == "budget_exhausted" || code == "priority_shed"));
        }
    }
    BOOST_TEST_MESSAGE("answered P0..P3: " << answered[0] << " " << answered[1] << " " << answered[2] << " "
                                           << answered[3]
                                           << "; provider refusals: " << refused_by_provider.load());
    BOOST_TEST(refused_by_provider.load() == 0);
    BOOST_TEST(answered[0] == 2 * clients); // every P0
    // Shedding in priority order, per budget (max 3 calls; shares P1 100%, P2 75%, P3 50%): a P3
    // is admitted only while its budget is untouched, a P2 while at most one call is used, a P1
    // while at most two are — whatever the arrival order, since a success keeps its reservation.
    for (auto const& b : per_budget) {
        BOOST_TEST(b[3] <= 1);
        BOOST_TEST(b[2] + b[3] <= 2);
        BOOST_TEST(b[1] + b[2] + b[3] <= 3);
    }
    BOOST_TEST(static_cast<int>(up.hits()) == answered[0] + answered[1] + answered[2] + answered[3]);
}
} // namespace

BOOST_AUTO_TEST_CASE(a_burst_of_mixed_priorities_never_makes_the_provider_refuse) {
    burst(10, 20, 20, ""); // 80 calls against 20 requests/s
}

// The issue's numbers: 50 clients × 8 calls against a provider limited to 60 requests per minute
// (a burst of 60, then one per second). Every P0 must wait its turn (~50 s), so the request
// deadline is raised. About a minute: CTest runs it as its own entry (burst_at_issue_scale).
BOOST_AUTO_TEST_CASE(a_burst_at_the_issue_scale, *boost::unit_test::disabled()) {
    burst(50, 60, 1, "timeouts: {request: 120s}\n");
}

BOOST_AUTO_TEST_SUITE_END()
