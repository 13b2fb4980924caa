// The call machine on manual time: every ordering and timing rule of a call, in milliseconds of
// test time and no real waiting. A `script` plays the runner: it answers each action with the
// event a test chooses and checks what the machine asks for next.
#include "domain/call/call_machine.hpp"
#include "domain/call/route_plan.hpp"

#include "printers.hpp"

#include <boost/test/unit_test.hpp>

#include <map>

using namespace switchboard::domain;
using namespace switchboard::domain::call;
using std::chrono::milliseconds;

namespace {
time_point const t0 = time_point{} + std::chrono::hours(1);
time_point at(int ms) {
    return t0 + milliseconds(ms);
}

struct fake_health final : health_view {
    std::map<std::string, time_point, std::less<>> down_until; // unavailable before then
    bool available(std::string_view key, time_point now) const override {
        auto it = down_until.find(key);
        return it == down_until.end() || now >= it->second;
    }
};

attempt_error status(int s, std::optional<duration> retry_after = {}) {
    attempt_error e{attempt_failure::upstream_status, s};
    e.retry_after = retry_after;
    return e;
}
attempt_error transport(attempt_failure k) {
    return attempt_error{k};
}

candidate cand(std::string provider, std::string model = "m") {
    candidate c;
    c.target = {provider, model};
    c.key = provider + "/" + model;
    c.retry = {3, seconds(1), seconds(4)};
    c.broken = broken_deployment_statuses::defaults();
    c.attempt_timeout = seconds(30);
    return c;
}

call_plan plan_of(std::vector<candidate> cs) {
    call_plan p;
    p.candidates = std::move(cs);
    p.timeout = seconds(60);
    return p;
}

// Plays the runner against one machine.
struct script {
    fake_health health;
    call_machine machine;
    action last;
    std::vector<health_report> reports;
    std::vector<std::size_t> released;

    explicit script(call_plan p, time_point now = t0) : machine(std::move(p), health) { take(machine.start(now)); }
    script(call_plan p, fake_health h) : health(std::move(h)), machine(std::move(p), health) {
        take(machine.start(t0));
    }

    void take(action a) {
        if (a.report) reports.push_back(*a.report);
        if (a.release_quota) released.push_back(*a.release_quota);
        last = std::move(a);
    }
    action const& on(call_event e, time_point now) {
        take(machine.resume(e, now));
        return last;
    }
    // admit → allow, then the attempt action (no quotas, no throttle).
    action const& admit(time_point now, breaker_admission v = breaker_admission::allow) {
        BOOST_TEST_REQUIRE((last.kind == action_kind::admit));
        return on(event::admitted{v, {}, now}, now);
    }
    action const& fail(attempt_error e, time_point now, double draw = 0.5) {
        BOOST_TEST_REQUIRE((last.kind == action_kind::attempt));
        return on(event::attempt_ended{e, false, false, false, draw}, now);
    }
    action const& succeed(time_point now) {
        BOOST_TEST_REQUIRE((last.kind == action_kind::attempt));
        return on(event::attempt_ended{}, now);
    }
    // settle → settled → done
    action const& settle(time_point now) {
        BOOST_TEST_REQUIRE((last.kind == action_kind::settle));
        return on(event::settled{}, now);
    }
    errc final_code(time_point now) {
        settle(now);
        BOOST_TEST_REQUIRE((last.kind == action_kind::done));
        BOOST_TEST_REQUIRE(last.error.has_value());
        return last.error->code;
    }
};
} // namespace

BOOST_AUTO_TEST_SUITE(call_machine_suite)

BOOST_AUTO_TEST_CASE(a_served_call_admits_attempts_reports_and_settles) {
    script s(plan_of({cand("a"), cand("b")}));
    BOOST_TEST((s.last.kind == action_kind::admit));
    BOOST_TEST(s.last.index == 0u);
    s.admit(t0);
    BOOST_TEST((s.last.kind == action_kind::attempt));
    BOOST_TEST((s.last.follows == attempt_kind::first));
    BOOST_TEST((s.last.attempt_deadline == at(30'000))); // the attempt timeout, inside the deadline
    BOOST_TEST((s.last.resume == resume_mode::none));
    s.succeed(at(120));
    BOOST_TEST((s.last.kind == action_kind::settle));
    BOOST_TEST(s.last.served);
    BOOST_TEST_REQUIRE(s.reports.size() == 1u);
    BOOST_TEST((s.reports[0].result == call_result::success));
    s.settle(at(120));
    BOOST_TEST((s.last.kind == action_kind::done));
    BOOST_TEST(!s.last.error.has_value());
    BOOST_TEST(s.last.index == 0u);
    BOOST_TEST(s.machine.attempts() == 1);
}

// Two or more reservations go together (one store round trip); refusals are still taken in the
// order tenant, key, inbound limit, budget, and a refusal settles, giving back what the others took.
BOOST_AUTO_TEST_CASE(reservations_come_first_together_and_a_refusal_gives_back_what_was_reserved) {
    auto p = plan_of({cand("a")});
    p.tenant_quota = true;
    p.admission_pending = true;
    p.budget_id = "team";
    auto const room = event::budget_reserved{budget_decision{true, {}}};
    {
        script s(p);
        BOOST_TEST((s.last.kind == action_kind::reserve_together));
        s.on(event::reserved_together{make_error(errc::quota_exceeded, "used up"), std::nullopt, room}, t0);
        BOOST_TEST((s.last.kind == action_kind::settle)); // the budget taken alongside is given back
        BOOST_TEST(!s.last.served);
        BOOST_TEST((s.final_code(t0) == errc::quota_exceeded));
    }
    {
        script s(p);
        s.on(event::reserved_together{std::nullopt, std::nullopt, room}, t0);
        BOOST_TEST((s.last.kind == action_kind::await_admission));
        s.on(event::admission_decided{make_error(errc::rate_limit_exceeded, "slow down")}, t0);
        BOOST_TEST((s.last.kind == action_kind::settle)); // the tenant's and the budget's are given back
        BOOST_TEST((s.final_code(t0) == errc::rate_limit_exceeded));
    }
    {
        script s(p);
        s.on(event::reserved_together{std::nullopt, std::nullopt, event::budget_reserved{budget_decision{false, {}}}}, t0);
        s.on(event::admission_decided{}, t0); // the budget's answer is read only now, after the limit's
        BOOST_TEST((s.last.kind == action_kind::settle));
        BOOST_TEST((s.final_code(t0) == errc::budget_exhausted));
        BOOST_TEST(s.last.error->message.find("'team'") != std::string::npos);
    }
    {
        script s(p);
        s.on(event::reserved_together{std::nullopt, std::nullopt, room}, t0);
        s.on(event::admission_decided{}, t0);
        BOOST_TEST((s.last.kind == action_kind::admit)); // then the deployments
    }
    {
        auto q = p;
        q.budget_id.clear();
        script s(q);
        BOOST_TEST((s.last.kind == action_kind::reserve_tenant)); // alone: on its own
        s.on(event::tenant_reserved{make_error(errc::quota_exceeded, "used up")}, t0);
        BOOST_TEST((s.last.kind == action_kind::done)); // nothing reserved: nothing to settle
    }
}

BOOST_AUTO_TEST_CASE(a_keys_limits_are_reserved_with_the_tenants_and_the_tenants_refusal_comes_first) {
    auto p = plan_of({cand("a")});
    p.tenant_quota = true;
    p.key_limits = true;
    {
        script s(p);
        BOOST_TEST((s.last.kind == action_kind::reserve_together));
        s.on(event::reserved_together{std::nullopt, make_error(errc::rate_limit_exceeded, "2 calls in flight"),
                                      std::nullopt},
             t0);
        BOOST_TEST((s.last.kind == action_kind::settle)); // the tenant's reservation is given back
        BOOST_TEST((s.final_code(t0) == errc::rate_limit_exceeded));
    }
    {
        script s(p);
        s.on(event::reserved_together{make_error(errc::quota_exceeded, "used up"),
                                      make_error(errc::rate_limit_exceeded, "2 calls in flight"), std::nullopt},
             t0);
        BOOST_TEST((s.final_code(t0) == errc::quota_exceeded)); // both refused: the tenant's is told
    }
    {
        script s(p);
        s.on(event::reserved_together{}, t0);
        BOOST_TEST((s.last.kind == action_kind::admit));
    }
    {
        auto q = p;
        q.tenant_quota = false;
        script s(q);
        BOOST_TEST((s.last.kind == action_kind::reserve_key)); // alone: on its own
    }
}

BOOST_AUTO_TEST_CASE(an_unreachable_budget_store_follows_its_fail_mode) {
    auto p = plan_of({cand("a")});
    p.budget_id = "team";
    {
        script open(p);
        open.on(event::budget_reserved{std::nullopt}, t0);
        BOOST_TEST((open.last.kind == action_kind::admit)); // not counted, served
    }
    p.budget_store_down = fail_mode::closed;
    script closed(p);
    closed.on(event::budget_reserved{std::nullopt}, t0);
    BOOST_TEST((closed.final_code(t0) == errc::store_unavailable));
    BOOST_TEST((closed.last.error->retry_after == seconds(1)));
}

BOOST_AUTO_TEST_CASE(transient_failures_retry_with_jittered_backoff_within_bounds) {
    script s(plan_of({cand("a")}));
    s.admit(t0);
    s.fail(status(503), at(10), 0.5);
    BOOST_TEST((s.last.kind == action_kind::spend_retry));
    BOOST_TEST((s.reports.back().result == call_result::failure));
    BOOST_TEST(s.reports.back().failure != nullptr); // remembered as its last error
    s.on(event::retry_budget{true}, at(10));
    BOOST_TEST((s.last.kind == action_kind::wait));
    BOOST_TEST((s.last.until == at(10 + 500))); // uniform(0, 1 s) drew 0.5
    s.on(event::woke{}, at(510));
    s.admit(at(510));
    BOOST_TEST((s.last.follows == attempt_kind::retry));
    s.fail(transport(attempt_failure::reset), at(520), 1.0);
    s.on(event::retry_budget{true}, at(520));
    BOOST_TEST((s.last.until == at(520 + 2000))); // the second retry: up to base·2 = 2 s
    s.on(event::woke{}, at(2520));
    s.admit(at(2520));
    s.fail(status(503), at(2530));
    // The third attempt was the last one the retry policy allows; no other deployment.
    BOOST_TEST((s.final_code(at(2530)) == errc::provider_unavailable));
    BOOST_TEST(s.last.error->upstream_status == 503);
    BOOST_TEST(s.machine.attempts() == 3);
}

BOOST_AUTO_TEST_CASE(an_empty_retry_budget_moves_on_instead_of_retrying) {
    script s(plan_of({cand("a"), cand("b")}));
    s.admit(t0);
    s.fail(status(500), at(5));
    s.on(event::retry_budget{false}, at(5));
    BOOST_TEST((s.last.kind == action_kind::admit));
    BOOST_TEST(s.last.index == 1u);
}

BOOST_AUTO_TEST_CASE(a_silent_upstream_is_never_retried_the_next_deployment_is_tried) {
    script s(plan_of({cand("a"), cand("b")}));
    s.admit(t0);
    s.fail(transport(attempt_failure::timeout), at(30'000));
    BOOST_TEST((s.last.kind == action_kind::admit));
    BOOST_TEST(s.last.index == 1u);
    s.admit(at(30'000));
    BOOST_TEST((s.last.follows == attempt_kind::fallback));
    BOOST_TEST(s.last.previous == 0u);
    BOOST_TEST((s.last.attempt_deadline == at(60'000))); // capped by the request's deadline
}

BOOST_AUTO_TEST_CASE(a_429_with_retry_after_fails_over_when_another_can_serve) {
    script s(plan_of({cand("a"), cand("b")}));
    s.admit(t0);
    s.fail(status(429, seconds(2)), at(5));
    BOOST_TEST((s.reports.back().result == call_result::throttled));
    BOOST_TEST((s.reports.back().retry_after == seconds(2))); // the cooldown the health applies
    BOOST_TEST((s.last.kind == action_kind::admit));
    BOOST_TEST(s.last.index == 1u); // served meanwhile by b, no wait
}

BOOST_AUTO_TEST_CASE(a_429_with_retry_after_on_the_only_deployment_waits_it_out) {
    script s(plan_of({cand("a")}));
    s.admit(t0);
    s.fail(status(429, seconds(2)), at(5), 0.1);
    s.on(event::retry_budget{true}, at(5));
    BOOST_TEST((s.last.kind == action_kind::wait));
    BOOST_TEST((s.last.until == at(2005))); // no attempt before t+2 s, whatever the jitter drew
}

BOOST_AUTO_TEST_CASE(a_cooling_deployment_is_waited_for_only_when_nothing_else_can_serve) {
    // Another call's 429 put `a` in cooldown until t+2 s.
    fake_health h;
    h.down_until["a/m"] = at(2000);
    {
        script s(plan_of({cand("a"), cand("b")}), h);
        s.on(event::admitted{breaker_admission::reject, at(2000), at(2000)}, t0);
        BOOST_TEST((s.last.kind == action_kind::admit));
        BOOST_TEST(s.last.index == 1u); // b serves meanwhile
    }
    script alone(plan_of({cand("a")}), h);
    alone.on(event::admitted{breaker_admission::reject, at(2000), at(2000)}, t0);
    BOOST_TEST((alone.last.kind == action_kind::wait));
    BOOST_TEST((alone.last.until == at(2000)));
    alone.on(event::woke{}, at(2000));
    BOOST_TEST((alone.last.kind == action_kind::admit));
    alone.admit(at(2000));
    BOOST_TEST((alone.last.kind == action_kind::attempt)); // the first attempt, at t+2 s
}

BOOST_AUTO_TEST_CASE(a_cooldown_past_the_deadline_is_not_waited_for) {
    auto p = plan_of({cand("a")});
    p.timeout = seconds(1);
    script s(p);
    s.on(event::admitted{breaker_admission::reject, at(5000), at(5000)}, t0);
    BOOST_TEST((s.final_code(t0) == errc::circuit_open));
    BOOST_TEST((s.last.error->retry_after == milliseconds(5000)));
}

BOOST_AUTO_TEST_CASE(open_breakers_everywhere_answer_circuit_open_with_the_first_reopening) {
    script s(plan_of({cand("a"), cand("b")}));
    s.on(event::admitted{breaker_admission::reject, {}, at(30'000)}, t0);
    s.on(event::admitted{breaker_admission::reject, {}, at(12'000)}, t0);
    BOOST_TEST((s.final_code(t0) == errc::circuit_open));
    BOOST_TEST((s.last.error->retry_after == milliseconds(12'000)));
    BOOST_TEST(s.machine.attempts() == 0);
    BOOST_TEST(s.reports.empty()); // never admitted: nothing to report
}

BOOST_AUTO_TEST_CASE(a_half_open_probe_is_reported_exactly_once) {
    script s(plan_of({cand("a")}));
    s.admit(t0, breaker_admission::probe);
    s.fail(status(502), at(3));
    s.on(event::retry_budget{false}, at(3));
    BOOST_TEST(s.reports.size() == 1u);
    BOOST_TEST((s.reports[0].result == call_result::failure));
}

BOOST_AUTO_TEST_CASE(provider_quota_exhausted_skips_the_provider_and_names_its_reset) {
    auto p = plan_of({cand("a"), cand("b")});
    p.provider_quotas = true;
    script s(p);
    s.admit(t0);
    BOOST_TEST((s.last.kind == action_kind::reserve_provider_quota));
    using room = event::quota_checked::room;
    s.on(event::quota_checked{room::exhausted, 1'700'006'400, 1'700'000'000}, t0);
    BOOST_TEST((s.reports.back().result == call_result::neutral)); // admitted, abandoned: neutral
    BOOST_TEST((s.last.kind == action_kind::admit));
    s.admit(t0);
    s.on(event::quota_checked{room::exhausted, 1'700'010'000, 1'700'000'000}, t0);
    BOOST_TEST((s.final_code(t0) == errc::quota_exceeded));
    BOOST_TEST((s.last.error->retry_after == seconds(6400))); // the earliest reset
}

BOOST_AUTO_TEST_CASE(a_provider_quota_hold_is_released_when_the_deployment_is_left) {
    auto p = plan_of({cand("a"), cand("b")});
    p.provider_quotas = true;
    script s(p);
    s.admit(t0);
    s.on(event::quota_checked{}, t0);
    s.fail(transport(attempt_failure::timeout), at(100));
    BOOST_TEST(s.released == (std::vector<std::size_t>{0}));
    s.admit(at(100));
    s.on(event::quota_checked{}, at(100));
    s.succeed(at(200));
    BOOST_TEST(s.released.size() == 1u); // the serving provider's hold is settled with the answer
}

BOOST_AUTO_TEST_CASE(capacity_is_waited_for_by_priority_and_shed_otherwise) {
    auto throttled = cand("a");
    throttled.throttled = true;
    {
        auto p = plan_of({throttled});
        p.prio = priority::p2; // may not wait
        script s(p);
        s.admit(t0);
        BOOST_TEST((s.last.kind == action_kind::acquire_capacity));
        s.on(event::capacity{{false, milliseconds(300)}}, t0);
        BOOST_TEST((s.final_code(t0) == errc::priority_shed));
        BOOST_TEST((s.reports.back().result == call_result::neutral));
    }
    {
        auto p = plan_of({throttled});
        p.prio = priority::p0;
        p.may_wait = p.timeout;
        script s(p);
        s.admit(t0);
        s.on(event::capacity{{false, milliseconds(300)}}, t0);
        BOOST_TEST((s.last.kind == action_kind::wait));
        BOOST_TEST(s.last.queued); // counted as a call waiting for capacity
        BOOST_TEST((s.last.until == at(300)));
        s.on(event::woke{}, at(300));
        BOOST_TEST((s.last.kind == action_kind::acquire_capacity));
        s.on(event::capacity{{true, {}}}, at(300));
        BOOST_TEST((s.last.kind == action_kind::attempt));
        s.succeed(at(400));
        BOOST_TEST(s.reports.back().held_slot); // the slot is freed with the report
    }
}

BOOST_AUTO_TEST_CASE(no_capacity_here_moves_to_another_deployment_that_can_serve) {
    auto throttled = cand("a");
    throttled.throttled = true;
    auto p = plan_of({throttled, cand("b")});
    p.may_wait = seconds(60);
    script s(p);
    s.admit(t0);
    s.on(event::capacity{{false, milliseconds(300)}}, t0);
    BOOST_TEST((s.last.kind == action_kind::admit));
    BOOST_TEST(s.last.index == 1u);
}

BOOST_AUTO_TEST_CASE(a_committed_stream_resumes_elsewhere_and_reports_its_first_failure) {
    auto a = cand("a");
    auto b = cand("b");
    b.target.prefill = true;
    auto p = plan_of({a, b, cand("c")});
    p.stream = true;
    p.first_token_timeout = seconds(10);
    script s(p);
    s.admit(t0);
    BOOST_TEST((s.last.attempt_deadline == at(60'000))); // a stream runs as long as the request
    BOOST_TEST((s.last.first_token_by == at(10'000)));
    s.on(event::attempt_ended{transport(attempt_failure::reset), false, true, false, 0.5}, at(900));
    BOOST_TEST((s.last.kind == action_kind::admit)); // not retried on a: resumed elsewhere
    BOOST_TEST(s.last.index == 1u);
    s.admit(at(900));
    BOOST_TEST((s.last.resume == resume_mode::prefill));
    s.on(event::attempt_ended{status(503), false, true, false, 0.5}, at(1000));
    s.admit(at(1000));
    BOOST_TEST((s.last.resume == resume_mode::regenerate));
    s.on(event::attempt_ended{std::nullopt, true, true, false, 0.5}, at(1100)); // it said something else
    BOOST_TEST((s.reports.back().result == call_result::neutral));
    BOOST_TEST((s.final_code(at(1100)) == errc::provider_unavailable)); // the first failure (a reset)
    BOOST_TEST(s.last.error->upstream_status == 0);
}

BOOST_AUTO_TEST_CASE(a_resumed_stream_that_succeeds_is_served) {
    auto p = plan_of({cand("a"), cand("b")});
    p.stream = true;
    script s(p);
    s.admit(t0);
    s.on(event::attempt_ended{transport(attempt_failure::reset), false, true, false, 0.5}, at(900));
    s.admit(at(900));
    s.on(event::attempt_ended{std::nullopt, false, true, false, 0.5}, at(1500));
    BOOST_TEST(s.machine.resumed());
    s.settle(at(1500));
    BOOST_TEST(!s.last.error.has_value());
    BOOST_TEST(s.last.index == 1u);
}

BOOST_AUTO_TEST_CASE(a_client_that_leaves_mid_stream_stops_the_call) {
    auto p = plan_of({cand("a"), cand("b")});
    p.stream = true;
    script s(p);
    s.admit(t0);
    s.on(event::attempt_ended{transport(attempt_failure::reset), false, true, true, 0.5}, at(50));
    BOOST_TEST((s.last.kind == action_kind::settle)); // no resume for nobody
    s.settle(at(50));
    BOOST_TEST(s.machine.attempts() == 1);
}

BOOST_AUTO_TEST_CASE(cancellation_before_an_attempt_ends_the_admission_and_settles) {
    auto p = plan_of({cand("a"), cand("b")});
    p.provider_quotas = true;
    script s(p);
    s.admit(t0);
    s.on(event::quota_checked{}, t0);
    s.on(event::cancelled{}, at(1));
    BOOST_TEST((s.last.kind == action_kind::settle));
    BOOST_TEST((s.reports.back().result == call_result::neutral));
    BOOST_TEST(s.released == (std::vector<std::size_t>{0}));
    BOOST_TEST((s.final_code(at(1)) == errc::client_closed));
}

BOOST_AUTO_TEST_CASE(the_clients_own_error_stops_at_once) {
    script s(plan_of({cand("a"), cand("b")}));
    s.admit(t0);
    auto e = status(400);
    e.provider_message = "max_tokens is too large";
    s.fail(e, at(5));
    BOOST_TEST((s.reports.back().result == call_result::neutral));
    BOOST_TEST((s.final_code(at(5)) == errc::invalid_request));
    BOOST_TEST(s.last.error->message == "max_tokens is too large");
    BOOST_TEST(s.machine.attempts() == 1);
}

BOOST_AUTO_TEST_CASE(refused_credentials_or_a_missing_model_fall_back_and_count_against_health) {
    for (int code : {401, 403, 404}) {
        BOOST_TEST_CONTEXT("status " << code) {
            script s(plan_of({cand("a"), cand("b")}));
            s.admit(t0);
            auto e = status(code);
            e.provider_message = "Incorrect API key provided: sk-abc***xyz";
            s.fail(e, at(5));
            BOOST_TEST((s.reports.back().result == call_result::failure)); // a revoked key opens the breaker
            BOOST_TEST((s.last.kind == action_kind::admit)); // not retried on a
            BOOST_TEST(s.last.index == 1u);
            s.admit(at(5));
            s.fail(e, at(9));
            auto const final = s.final_code(at(9));
            BOOST_TEST((final == (code == 404 ? errc::model_not_found : errc::upstream_error)));
            BOOST_TEST(s.last.error->message.find("sk-") == std::string::npos); // never the provider's text
        }
    }
}

BOOST_AUTO_TEST_CASE(which_statuses_fall_back_is_the_providers_choice) {
    auto strict = cand("a");
    strict.broken.statuses = {}; // this provider's 404s are the client's
    script s(plan_of({strict, cand("b")}));
    s.admit(t0);
    s.fail(status(404), at(5));
    BOOST_TEST((s.reports.back().result == call_result::neutral));
    BOOST_TEST((s.final_code(at(5)) == errc::not_found));
}

BOOST_AUTO_TEST_CASE(a_prompt_too_long_goes_only_to_larger_or_unknown_windows) {
    auto a = cand("a", "gpt-4");         // 8k in the built-in table
    auto b = cand("b", "llama3-8b-8192"); // 8k: cannot help
    auto c = cand("c", "my-finetune");   // unknown: may help
    auto d = cand("d", "gpt-4o");        // 128k
    script s(plan_of({a, b, c, d}));
    s.admit(t0);
    auto too_long = status(400);
    too_long.provider_code = "context_length_exceeded";
    s.fail(too_long, at(5));
    BOOST_TEST((s.last.kind == action_kind::admit));
    BOOST_TEST(s.last.index == 2u);
    s.admit(at(5));
    s.fail(too_long, at(9));
    BOOST_TEST(s.last.index == 3u);
    s.admit(at(9));
    s.fail(too_long, at(12));
    BOOST_TEST((s.final_code(at(12)) == errc::context_length_exceeded));
    BOOST_TEST(s.machine.attempts() == 3);
}

BOOST_AUTO_TEST_CASE(a_deadline_that_passes_ends_the_call_with_timeout) {
    auto p = plan_of({cand("a"), cand("b")});
    p.timeout = seconds(2);
    script s(p);
    s.admit(t0);
    BOOST_TEST((s.last.attempt_deadline == at(2000)));
    s.fail(transport(attempt_failure::timeout), at(2000));
    BOOST_TEST((s.final_code(at(2000)) == errc::timeout));
}

BOOST_AUTO_TEST_CASE(a_backoff_that_would_pass_the_deadline_is_not_taken) {
    auto p = plan_of({cand("a")});
    p.timeout = seconds(1);
    script s(p);
    s.admit(t0);
    s.fail(status(503), at(600), 0.9); // 900 ms more would pass t+1 s
    BOOST_TEST((s.last.kind == action_kind::settle));
}

BOOST_AUTO_TEST_CASE(the_final_error_follows_a_fixed_precedence) {
    call_facts f;
    f.now = t0;
    BOOST_TEST((final_error(f).code == errc::circuit_open));
    f.out_of_time = true;
    BOOST_TEST((final_error(f).code == errc::timeout));
    f.quota_unknown = true;
    BOOST_TEST((final_error(f).code == errc::store_unavailable));
    f.quota_reset = 1'700'006'400;
    f.now_unix = 1'700'000'000;
    BOOST_TEST((final_error(f).code == errc::quota_exceeded));
    f.shed = true;
    BOOST_TEST((final_error(f).code == errc::priority_shed));
    f.last = status(503);
    BOOST_TEST((final_error(f).code == errc::timeout)); // the last failure, past the deadline
    f.out_of_time = false;
    BOOST_TEST((final_error(f).code == errc::provider_unavailable));
    f.resume_failure = transport(attempt_failure::bad_response);
    BOOST_TEST((final_error(f).code == errc::upstream_bad_response)); // what cut the stream
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(route_plan_suite)

namespace {
route_table two_groups() {
    route_table t;
    t.providers = {"openai", "groq"};
    t.groups["chat"] = {{"openai", "gpt-4o"}, {"groq", "llama-3.1-8b-instant"}, {"openai", "gpt-4o-mini"}};
    return t;
}
price_table prices() {
    return price_table::with_defaults();
}
} // namespace

BOOST_AUTO_TEST_CASE(the_gateway_mode_sheds_or_reorders_by_priority) {
    auto const routes = two_groups();
    auto const pt = prices();
    tier_rules const tiers;
    fake_health health;
    route_facts const facts{routes, pt, tiers};
    route_request r{"chat", "", "", priority::p3, {}, {}, gateway_mode::critical};
    auto shed = plan_route(facts, r, health, t0);
    BOOST_TEST_REQUIRE(!shed.has_value());
    BOOST_TEST((shed.error().code == errc::priority_shed));

    r.prio = priority::p1;
    r.mode = gateway_mode::normal;
    auto normal = plan_route(facts, r, health, t0);
    BOOST_TEST_REQUIRE(normal.has_value());
    BOOST_TEST(normal->order.front().model == "gpt-4o"); // configured order

    r.mode = gateway_mode::degraded;
    auto degraded = plan_route(facts, r, health, t0);
    BOOST_TEST_REQUIRE(degraded.has_value());
    BOOST_TEST(degraded->order.size() == 3u);
    BOOST_TEST(degraded->order.front().model != "gpt-4o"); // cheapest first

    r.mode = gateway_mode::critical;
    auto critical = plan_route(facts, r, health, t0);
    BOOST_TEST_REQUIRE(critical.has_value());
    BOOST_TEST(critical->order.size() == 1u); // only the cheapest live one
    health.down_until[deployment_key(critical->order.front())] = at(10'000);
    auto next_live = plan_route(facts, r, health, t0);
    BOOST_TEST_REQUIRE(next_live.has_value());
    BOOST_TEST(next_live->order.front() != critical->order.front());
}

BOOST_AUTO_TEST_CASE(a_forced_provider_that_cannot_serve_is_the_clients_error) {
    auto const routes = two_groups();
    auto const pt = prices();
    tier_rules const tiers;
    fake_health health;
    route_request r{"chat", "acme", "", priority::p1, {}, {}, gateway_mode::normal};
    auto planned = plan_route({routes, pt, tiers}, r, health, t0);
    BOOST_TEST_REQUIRE(!planned.has_value());
    BOOST_TEST(planned.error().param == "force_provider");
}

BOOST_AUTO_TEST_SUITE_END()
