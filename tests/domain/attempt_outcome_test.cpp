// When to fall back, when to stop, and the error the client gets.
#include "domain/attempt_outcome.hpp"
#include "printers.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace {
attempt_error status(int s, std::string message = {}) {
    return attempt_error{attempt_failure::upstream_status, s, std::move(message), {}, {}};
}
attempt_error transport(attempt_failure k) {
    return attempt_error{k, 0, {}, {}, {}};
}
} // namespace

BOOST_AUTO_TEST_SUITE(attempt_outcome)

BOOST_AUTO_TEST_CASE(transient_failures_fall_back) {
    for (auto k : {attempt_failure::connect_failed, attempt_failure::reset, attempt_failure::timeout,
                   attempt_failure::bad_response, attempt_failure::unsupported})
        BOOST_TEST(after_failure(transport(k)) == next_step::fall_back);
    for (int s : {408, 429, 500, 502, 503, 504, 529})
        BOOST_TEST_CONTEXT("status " << s) BOOST_TEST(after_failure(status(s)) == next_step::fall_back);
}

BOOST_AUTO_TEST_CASE(client_caused_errors_stop) {
    for (int s : {400, 401, 403, 404, 413, 422})
        BOOST_TEST_CONTEXT("status " << s) BOOST_TEST(after_failure(status(s)) == next_step::stop);
}

BOOST_AUTO_TEST_CASE(a_refused_request_relays_the_providers_reason) {
    auto e = client_error(status(400, "max_tokens is too large"), false);
    BOOST_TEST(e.code == errc::invalid_request);
    BOOST_TEST(e.message == "max_tokens is too large");
    BOOST_TEST(e.upstream_status == 400);
    BOOST_TEST(client_error(status(404), false).code == errc::not_found);
    BOOST_TEST(client_error(status(413), false).code == errc::payload_too_large);
}

BOOST_AUTO_TEST_CASE(rejected_gateway_credentials_never_echo_the_provider_text) {
    auto e = client_error(status(401, "Incorrect API key provided: sk-abc***xyz"), false);
    BOOST_TEST(e.code == errc::upstream_error);
    BOOST_TEST(e.message.find("sk-") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(exhausted_fallbacks_map_to_stable_codes) {
    BOOST_TEST(client_error(transport(attempt_failure::reset), false).code == errc::provider_unavailable);
    BOOST_TEST(client_error(status(503), false).code == errc::provider_unavailable);
    BOOST_TEST(client_error(transport(attempt_failure::bad_response), false).code ==
               errc::upstream_bad_response);
    BOOST_TEST(client_error(transport(attempt_failure::unsupported), false).code == errc::invalid_request);
    BOOST_TEST(client_error(transport(attempt_failure::timeout), true).code == errc::timeout);
}

BOOST_AUTO_TEST_CASE(each_providers_context_length_error_asks_for_a_larger_window) {
    attempt_error openai{attempt_failure::upstream_status, 400,
                         "This model's maximum context length is 8192 tokens", "messages",
                         "context_length_exceeded"};
    attempt_error anthropic{attempt_failure::upstream_status, 400,
                            "prompt is too long: 250000 tokens > 200000 maximum"};
    attempt_error gemini{
        attempt_failure::upstream_status, 400,
        "The input token count (2000000) exceeds the maximum number of tokens allowed (1048576)."};
    for (auto const& e : {openai, anthropic, gemini}) {
        BOOST_TEST(is_context_length_exceeded(e));
        BOOST_TEST(after_failure(e) == next_step::larger_context);
    }
    auto const final_error = client_error(openai, false);
    BOOST_TEST(final_error.code == errc::context_length_exceeded);
    BOOST_TEST(final_error.param == "messages");
    BOOST_TEST(!is_context_length_exceeded(status(400, "temperature is invalid")));
}

BOOST_AUTO_TEST_CASE(content_policy_refusals_stop_and_keep_the_providers_reason) {
    attempt_error e{attempt_failure::upstream_status,
                    400,
                    "Your request was rejected by our safety system",
                    {},
                    "content_policy_violation"};
    BOOST_TEST(is_content_policy_violation(e));
    BOOST_TEST(after_failure(e) == next_step::stop);
    auto const out = client_error(e, false);
    BOOST_TEST(out.code == errc::content_policy_violation);
    BOOST_TEST(out.message == "Your request was rejected by our safety system");
}

BOOST_AUTO_TEST_CASE(failure_types_are_a_small_fixed_set) {
    BOOST_TEST(failure_type(attempt_error{attempt_failure::timeout, 0, {}, {}, {}, {}}) == "timeout");
    BOOST_TEST(failure_type(attempt_error{attempt_failure::reset, 0, {}, {}, {}, {}}) == "reset");
    BOOST_TEST(failure_type(attempt_error{attempt_failure::upstream_status, 429, {}, {}, {}, {}}) == "rate_limited");
    BOOST_TEST(failure_type(attempt_error{attempt_failure::upstream_status, 403, {}, {}, {}, {}}) == "auth");
    BOOST_TEST(failure_type(attempt_error{attempt_failure::upstream_status, 502, {}, {}, {}, {}}) == "server_error");
    BOOST_TEST(failure_type(attempt_error{attempt_failure::upstream_status, 422, {}, {}, {}, {}}) == "client_error");
}

BOOST_AUTO_TEST_SUITE_END()
