// Providers that misbehave at the HTTP level: interim 1xx responses, bytes beyond a response,
// redirects, oversized answers, a stream answered with something else, implausible usage and a
// Retry-After of a day. None may hand one caller another's answer, bill nonsense or bench a
// deployment for longer than the configured cap.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include "domain/sse.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string one_provider(mock_upstream const& up, std::string const& extra = "") {
    return "timeouts: {attempt: 2s, request: 5s}\n"
           "resilience: {retry: {max_attempts: 1}}\n"
           "providers:\n  up: {kind: openai, base_url: \"" +
           up.base_url("/v1") + "\", api_key: k-up-0000000001" + extra + "}\n";
}

std::string two_providers(mock_upstream const& primary, mock_upstream const& backup) {
    return "timeouts: {attempt: 2s, request: 5s}\n"
           "resilience: {retry: {max_attempts: 1}}\n"
           "providers:\n"
           "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: k-primary-00001}\n"
           "  backup: {kind: openai, base_url: \"" + backup.base_url("/v1") + "\", api_key: k-backup-000001}\n"
           "models:\n  chat: [primary/primary-model, backup/backup-model]\n";
}

// "caller-7" from a request body that asks for it.
std::string caller_tag(std::string const& body) {
    auto const at = body.find("caller-");
    if (at == std::string::npos) return "none";
    return body.substr(at, body.find_first_of("\" ", at) - at);
}

std::string content_of(client_response const& res) {
    return std::string(json::parse(res.body).at("choices").at(0).at("message").at("content").as_string());
}

std::string error_code_of(client_response const& res) {
    return std::string(json::parse(res.body).at("error").at("code").as_string());
}

// Forty calls in a row from twenty tenants, on the connection(s) the fault left behind: each
// must read the answer to its own question.
void every_caller_gets_its_own_answer(gateway_fixture& gw) {
    for (int i = 1; i <= 40; ++i) {
        auto const tag = "caller-" + std::to_string(i);
        auto res = gw.chat(chat_body("up/m", tag), {{"X-Tenant-Id", "tenant-" + std::to_string(i % 20)}});
        BOOST_TEST_REQUIRE(res.status == 200);
        BOOST_TEST(content_of(res) == "answer-for-" + tag);
    }
}

std::string stale_response() {
    auto const body = completion_body("m", "answer-for-someone-else");
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}
} // namespace

BOOST_AUTO_TEST_SUITE(upstream_faults)

BOOST_AUTO_TEST_CASE(interim_responses_are_read_past_and_every_later_caller_gets_its_own_answer) {
    mock_upstream up;
    up.reply_with([](recorded_request const& r) {
        auto const tag = caller_tag(r.body);
        auto reply = canned_reply::json(200, completion_body("m", "answer-for-" + tag));
        if (tag == "caller-0")
            reply.raw_before = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n";
        return reply;
    });
    gateway_fixture gw(one_provider(up));
    auto first = gw.chat(chat_body("up/m", "caller-0"));
    BOOST_TEST_REQUIRE(first.status == 200);
    BOOST_TEST(content_of(first) == "answer-for-caller-0");
    every_caller_gets_its_own_answer(gw);
}

BOOST_AUTO_TEST_CASE(bytes_beyond_a_response_close_its_connection_instead_of_answering_the_next_caller) {
    mock_upstream up;
    up.reply_with([](recorded_request const& r) {
        auto const tag = caller_tag(r.body);
        auto reply = canned_reply::json(200, completion_body("m", "answer-for-" + tag));
        if (tag == "caller-0" || tag == "caller-00") reply.raw_after = stale_response();
        if (tag == "caller-00") reply.raw_after_delay = std::chrono::milliseconds(20);
        return reply;
    });
    gateway_fixture gw(one_provider(up));
    // In the same packet as the response (a body longer than its Content-Length).
    BOOST_TEST(content_of(gw.chat(chat_body("up/m", "caller-0"))) == "answer-for-caller-0");
    // Arriving later, while the connection sits idle in the pool (the test waits for them to
    // land: a reply racing a new request on the wire cannot be told apart by any HTTP/1.1 client).
    BOOST_TEST(content_of(gw.chat(chat_body("up/m", "caller-00"))) == "answer-for-caller-00");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    every_caller_gets_its_own_answer(gw);
    BOOST_TEST(up.connections() >= 2u); // the poisoned connections were dropped, not reused
}

// An answer is parsed from what the client has buffered and read further only when that is not
// all of it: a body that arrives in pieces after its head (chunked, the second half later) is read
// whole, and the connection it came on serves the next callers their own answers.
BOOST_AUTO_TEST_CASE(an_answer_whose_body_arrives_in_pieces_is_read_whole) {
    mock_upstream up;
    up.reply_with([](recorded_request const& r) {
        auto const body = completion_body("m", "answer-for-" + caller_tag(r.body));
        auto reply = canned_reply::sse({{body.substr(0, 25)}, {body.substr(25), std::chrono::milliseconds(30)}});
        reply.headers = {{"Content-Type", "application/json"}};
        return reply;
    });
    gateway_fixture gw(one_provider(up));
    for (int i = 1; i <= 5; ++i) {
        auto const tag = "caller-" + std::to_string(i);
        auto res = gw.chat(chat_body("up/m", tag));
        BOOST_TEST_REQUIRE(res.status == 200, res.body);
        BOOST_TEST(content_of(res) == "answer-for-" + tag);
    }
    BOOST_TEST(up.connections() == 1u); // each answer ended where its framing said: the connection was kept
}

// Writes go out at once when the socket takes them whole, and the rest is written as the peer
// reads: a question of 900 KB (the mock reads up to 1 MB) and an answer of 12 MB (more than a
// loopback socket's send buffer holds) each reach the other side whole, byte for byte.
BOOST_AUTO_TEST_CASE(a_question_and_an_answer_larger_than_a_socket_buffer_are_written_whole) {
    mock_upstream up;
    std::string const answer_text(12u << 20, 'a');
    up.always(canned_reply::json(200, completion_body("m", answer_text)));
    gateway_fixture gw(one_provider(up));
    std::string const question(900u << 10, 'q');
    auto res = gw.chat(chat_body("up/m", question));
    BOOST_TEST_REQUIRE(res.status == 200, res.body.substr(0, 300));
    BOOST_TEST(content_of(res) == answer_text);
    BOOST_TEST_REQUIRE(up.requests().size() == 1u);
    auto const sent = json::parse(up.requests().front().body);
    BOOST_TEST(sent.at("messages").at(0).at("content").as_string() == question);
}

BOOST_AUTO_TEST_CASE(a_redirect_is_an_upstream_fault_that_falls_back_and_is_never_followed) {
    mock_upstream primary, backup;
    auto redirect = canned_reply::json(302, "");
    redirect.headers = {{"location", backup.base_url("/v1/chat/completions")}};
    primary.always(redirect);
    backup.always(canned_reply::json(200, completion_body("backup-model", "from backup")));
    gateway_fixture gw(two_providers(primary, backup));
    auto res = gw.chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(res.header("x-switchboard-provider") == "backup");
    BOOST_TEST(res.header("x-switchboard-attempts") == "2");

    mock_upstream alone;
    alone.always(redirect);
    gateway_fixture solo(one_provider(alone));
    auto refused = solo.chat(chat_body("up/m"));
    BOOST_TEST(refused.status == 502);
    BOOST_TEST(error_code_of(refused) == "upstream_bad_response");
}

BOOST_AUTO_TEST_CASE(an_answer_over_max_response_bytes_is_a_502_upstream_bad_response) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", std::string(4000, 'x'))));
    gateway_fixture gw(one_provider(up, ", max_response_bytes: 2KiB"));
    auto res = gw.chat(chat_body("up/m"));
    BOOST_TEST(res.status == 502);
    BOOST_TEST(error_code_of(res) == "upstream_bad_response");
    up.always(canned_reply::json(200, completion_body("m", "short")));
    BOOST_TEST(gw.chat(chat_body("up/m")).status == 200); // the gateway goes on
}

BOOST_AUTO_TEST_CASE(a_stream_answered_without_an_event_stream_or_without_content_falls_back_unseen) {
    std::string const backup_stream =
        domain::sse_data(R"({"id":"b","object":"chat.completion.chunk","model":"backup-model","choices":[{"index":0,"delta":{"content":"from backup"},"finish_reason":"stop"}]})") +
        domain::sse_data("[DONE]");
    std::vector<canned_reply> faults;
    auto html = canned_reply::json(200, "<html><body>Service temporarily unavailable</body></html>");
    html.headers = {{"content-type", "text/html"}};
    faults.push_back(html);
    faults.push_back(canned_reply::json(200, R"({"object":"chat.completion","choices":[]})"));
    faults.push_back(canned_reply::json(200, ""));
    faults.push_back(canned_reply::sse({{": keep-alive\n\n"}, {domain::sse_data("[DONE]")}})); // SSE, no content
    for (auto const& fault : faults) {
        mock_upstream primary, backup;
        primary.always(fault);
        backup.always(canned_reply::sse({{backup_stream}}));
        gateway_fixture gw(two_providers(primary, backup));
        auto res = gw.post("/v1/chat/completions",
                           R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]})");
        BOOST_TEST_REQUIRE(res.status == 200);
        BOOST_TEST(res.header("x-switchboard-provider") == "backup", fault.body);
        BOOST_TEST(res.body.find("from backup") != std::string::npos, fault.body);
        BOOST_TEST(res.body.find("data: [DONE]") != std::string::npos);
        auto const metrics = gw.get("/metrics").body;
        BOOST_TEST(metrics.find(R"(switchboard_upstream_errors_total{provider="primary",type="bad_response"} 1)") !=
                       std::string::npos, fault.body);
    }
}

BOOST_AUTO_TEST_CASE(implausible_usage_is_billed_as_the_estimate_and_never_poisons_the_counters) {
    for (std::string const usage : {R"({"prompt_tokens":-5,"completion_tokens":3})",
                                    R"({"prompt_tokens":9223372036854775807,"completion_tokens":9223372036854775807})",
                                    R"({"prompt_tokens":1.5,"completion_tokens":2})",
                                    R"({"prompt_tokens":"12","completion_tokens":2})"}) {
        mock_upstream up;
        up.always(canned_reply::json(200, R"({"id":"x","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":)" + usage + "}"));
        gateway_fixture gw(one_provider(up) + "quotas: {tenants: {default: {tokens_per_day: 1000000}}}\n");
        auto res = gw.chat(chat_body("up/gpt-4o-mini"));
        BOOST_TEST_REQUIRE(res.status == 200);
        BOOST_TEST(std::stod(res.header("x-switchboard-cost-usd")) < 0.01, usage);
        auto const quotas = json::parse(gw.get("/api/v1/quotas").body);
        auto const text = json::serialize(quotas);
        BOOST_TEST(text.find("e+") == std::string::npos, text); // no astronomic figure anywhere
        auto const metrics = gw.get("/metrics").body;
        BOOST_TEST(metrics.find("e+1") == std::string::npos, usage); // counters stay plausible
        auto const& totals = gw.runtime().ledger().snapshot();
        BOOST_TEST_REQUIRE(totals.size() == 1u);
        BOOST_TEST(totals.front().prompt_tokens > 0, usage);           // billed: the estimate
        BOOST_TEST(totals.front().prompt_tokens < 100'000, usage);
        BOOST_TEST(totals.front().completion_tokens >= 0, usage);
    }
}

BOOST_AUTO_TEST_CASE(a_retry_after_of_a_day_benches_a_deployment_only_for_the_configured_cap) {
    mock_upstream up;
    auto limited = canned_reply::json(429, R"({"error":{"message":"slow down"}})");
    limited.headers = {{"retry-after", "86400"}};
    up.always(limited);
    gateway_fixture gw(one_provider(up, ", retry: {max_attempts: 1, max_retry_after: 3s}"));
    auto const before = std::chrono::steady_clock::now();
    auto res = gw.chat(chat_body("up/m"));
    BOOST_TEST(res.status == 503);
    BOOST_TEST(std::stoi(res.header("retry-after")) <= 3);
    auto const bench = gw.runtime().resilience().cooldown_until("up/m") - before;
    BOOST_TEST((bench > std::chrono::seconds(2) && bench <= std::chrono::seconds(4)));
}

BOOST_AUTO_TEST_SUITE_END()
