// Streaming end to end: SSE from OpenAI-, Anthropic- and Gemini-format upstreams, failover
// before the first content byte, and streams that fail after it ending with an error event and
// never with [DONE] or a finish_reason of "stop".
#include "gateway_fixture.hpp"
#include "stream_helpers.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"

#include "domain/sse.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <thread>

using namespace switchboard;
using namespace switchboard::testing;
using namespace std::chrono_literals;
namespace json = boost::json;
using piece = canned_reply::piece;
using stream_end = canned_reply::stream_end;

namespace {
struct two_streams {
    mock_upstream primary;
    mock_upstream backup;
    std::unique_ptr<gateway_fixture> gw;
    explicit two_streams(std::string const& extra = "") {
        backup.always(canned_reply::sse(openai_stream({"from", " backup"})));
        gw = std::make_unique<gateway_fixture>(
            "timeouts: {first_token: 300ms, stream_idle: 300ms, attempt: 10s, request: 10s}\n"
            "resilience: {retry: {max_attempts: 1}}\n"
            "providers:\n"
            "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: k-primary-00001}\n"
            "  backup: {kind: openai, base_url: \"" + backup.base_url("/v1") + "\", api_key: k-backup-000001}\n"
            "models:\n  chat: [primary/primary-model, backup/backup-model]\n" + extra);
    }
    received stream() { return read_stream(gw->post("/v1/chat/completions", stream_body("chat"))); }
};

void expect_backup_answer(received const& r) {
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.content == "from backup");
    BOOST_TEST(r.role_chunks == 1); // nothing of the failed attempt reached the client
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.done);
    BOOST_TEST(!r.error.has_value());
}

void expect_cut_answer(received const& r, std::string const& partial, std::string const& code) {
    BOOST_TEST(r.status == 200); // the head went out with the first content
    BOOST_TEST(r.content == partial);
    BOOST_TEST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->at("error").at("code").as_string() == code);
    BOOST_TEST(!r.done);                     // never presented as complete
    BOOST_TEST(r.finish_reason != "stop");
    BOOST_TEST(!r.usage.has_value());
}

// A provider's stream as its own bytes: `head` then `body`, written in pieces of `step` bytes a
// millisecond apart, so that the gateway reads them split at every place of the framing.
canned_reply unframed(std::string const& head, std::string const& body, std::size_t step,
                      stream_end end = stream_end::complete) {
    std::vector<piece> pieces{{head}};
    for (std::size_t at = 0; at < body.size(); at += step) pieces.push_back({body.substr(at, step), 1ms});
    auto reply = canned_reply::sse(std::move(pieces), end);
    reply.stream_unframed = true;
    return reply;
}

std::string events_of(std::vector<piece> const& stream) {
    std::string out;
    for (auto const& p : stream) out += p.data;
    return out;
}

std::string hex(std::size_t n) {
    char text[32];
    return std::string(text, static_cast<std::size_t>(std::snprintf(text, sizeof text, "%zx", n)));
}

gateway_fixture one_stream_provider(mock_upstream const& up, std::string const& timeouts) {
    return gateway_fixture("timeouts: {" + timeouts + "}\nresilience: {retry: {max_attempts: 1}}\n"
                           "providers:\n  up: {kind: openai, base_url: \"" + up.base_url("/v1") +
                           "\", api_key: k-up-0000000001}\nmodels:\n  chat: [up/m]\n");
}

void expect_whole_answer(received const& r, std::string const& content) {
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.content == content);
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.done);
    BOOST_TEST(!r.error.has_value());
}
} // namespace

BOOST_AUTO_TEST_SUITE(streaming)

BOOST_AUTO_TEST_CASE(an_openai_stream_is_relayed_chunk_by_chunk_with_usage_and_done) {
    mock_upstream up;
    up.always(canned_reply::sse(openai_stream({"Hello", ",", " world"})));
    gateway_fixture gw("quotas: {tenants: {default: {tokens_per_day: 100000}}}\n"
                       "providers:\n  o: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-openai-00001}\nmodels:\n  chat: [o/gpt-4o-mini]\n");
    auto res = gw.post("/v1/chat/completions", stream_body("chat"), {{"x-request-id", "stream-1"}});
    BOOST_TEST(res.header("x-switchboard-provider") == "o");
    BOOST_TEST(res.header("cache-control") == "no-cache");
    auto r = read_stream(res);
    BOOST_TEST(r.content == "Hello, world");
    BOOST_TEST(r.role_chunks == 1);
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.done);
    BOOST_TEST_REQUIRE(r.usage.has_value());
    BOOST_TEST(r.usage->at("prompt_tokens").as_int64() == 11); // the provider's own count
    BOOST_TEST(r.usage->at("completion_tokens").as_int64() == 3);
    for (auto const& c : r.chunks) {
        BOOST_TEST(c.at("id").as_string() == "chatcmpl-stream-1");
        BOOST_TEST(c.at("object").as_string() == "chat.completion.chunk");
    }
    auto const sent = json::parse(up.requests().at(0).body).as_object();
    BOOST_TEST(sent.at("stream").as_bool());
    BOOST_TEST(sent.at("stream_options").at("include_usage").as_bool()); // asked for, to count tokens
    BOOST_TEST(up.requests().at(0).header("accept") == "text/event-stream");
    // The tenant quota settled to the provider's count (11 + 3), nothing left reserved.
    auto const tokens = json::parse(gw.get("/api/v1/quotas").body).at("tenants").at(0).at("day").at("tokens");
    BOOST_TEST(tokens.at("used").as_int64() == 14);
    BOOST_TEST(tokens.at("reserved").as_int64() == 0);

    // Without include_usage the client gets no usage chunk (the gateway still counted it).
    auto plain = read_stream(gw.post("/v1/chat/completions", stream_body("chat", "Hi", false)));
    BOOST_TEST(plain.done);
    BOOST_TEST(!plain.usage.has_value());
}

BOOST_AUTO_TEST_CASE(anthropic_events_stream_as_openai_chunks) {
    mock_upstream up;
    auto event = [](std::string const& name, std::string const& data) { return piece{domain::sse_named(name, data)}; };
    up.always(canned_reply::sse({
        event("message_start", R"({"type":"message_start","message":{"id":"msg_1","model":"claude-3-5-haiku-20241022","usage":{"input_tokens":21,"output_tokens":1}}})"),
        event("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"),
        event("ping", R"({"type":"ping"})"),
        event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bonjour"}})"),
        event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" !"}})"),
        event("content_block_stop", R"({"type":"content_block_stop","index":0})"),
        event("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}})"),
        event("message_stop", R"({"type":"message_stop"})"),
    }));
    gateway_fixture gw("providers:\n  c: {kind: anthropic, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-anthropic-001}\nmodels:\n  chat: [c/claude-3-5-haiku-latest]\n");
    auto r = read_stream(gw.post("/v1/chat/completions", stream_body("chat")));
    BOOST_TEST(r.content == "Bonjour !");
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.done);
    BOOST_TEST(r.usage->at("prompt_tokens").as_int64() == 21);
    BOOST_TEST(r.usage->at("completion_tokens").as_int64() == 4);
    BOOST_TEST(r.chunks.front().at("model").as_string() == "claude-3-5-haiku-20241022");
    BOOST_TEST(up.requests().at(0).target == "/v1/messages");
    BOOST_TEST(json::parse(up.requests().at(0).body).at("stream").as_bool());
}

BOOST_AUTO_TEST_CASE(gemini_sse_streams_as_openai_chunks) {
    mock_upstream up;
    up.always(canned_reply::sse({
        piece{domain::sse_data(R"({"candidates":[{"content":{"parts":[{"text":"Hola"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":6},"modelVersion":"gemini-2.0-flash"})")},
        piece{domain::sse_data(R"({"candidates":[{"content":{"parts":[{"text":" mundo"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":6,"candidatesTokenCount":3,"totalTokenCount":9},"modelVersion":"gemini-2.0-flash"})")},
    }));
    gateway_fixture gw("providers:\n  g: {kind: gemini, base_url: \"" + up.base_url("/v1beta") +
                       "\", api_key: k-gemini-00001}\nmodels:\n  chat: [g/gemini-2.0-flash]\n");
    auto r = read_stream(gw.post("/v1/chat/completions", stream_body("chat")));
    BOOST_TEST(r.content == "Hola mundo");
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.done);
    BOOST_TEST(r.usage->at("completion_tokens").as_int64() == 3);
    BOOST_TEST(up.requests().at(0).target == "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
}

BOOST_AUTO_TEST_CASE(a_failure_before_headers_falls_back_unseen) {
    two_streams t;
    t.primary.always(canned_reply::json(503, R"({"error":{"message":"overloaded"}})"));
    expect_backup_answer(t.stream());
}

BOOST_AUTO_TEST_CASE(a_first_token_later_than_the_deadline_falls_back) {
    two_streams t;
    auto slow = openai_stream({"too", " late"});
    slow[1].delay = 1500ms; // the role chunk at once, the first content after the 300 ms deadline
    t.primary.always(canned_reply::sse(slow));
    auto const started = std::chrono::steady_clock::now();
    expect_backup_answer(t.stream());
    BOOST_TEST((std::chrono::steady_clock::now() - started < 1500ms)); // not waited out
}

BOOST_AUTO_TEST_CASE(an_error_event_before_content_falls_back) {
    two_streams t;
    t.primary.always(canned_reply::sse(
        {piece{openai_role()},
         piece{domain::sse_data(R"({"error":{"message":"The server is overloaded","type":"server_error"}})")}}));
    expect_backup_answer(t.stream());
}

BOOST_AUTO_TEST_CASE(a_stream_cut_after_content_ends_with_an_error_event_and_the_gateway_stays_healthy) {
    two_streams t("quotas: {tenants: {default: {tokens_per_day: 100000}}}\n");
    auto cut = openai_stream({"The", " answer", " is"});
    cut.resize(3); // role, "The", " answer" — then the connection is reset
    t.primary.always(canned_reply::sse(cut, stream_end::cut));
    expect_cut_answer(t.stream(), "The answer", "provider_unavailable");
    // The backup regenerated "from backup": it does not begin with "The answer", so it was
    // refused, and the client hears of the original failure.
    BOOST_TEST(t.backup.hits() == 1u);
    // A failed answer is not billed as a completion: the reservation went back.
    auto const tokens = json::parse(t.gw->get("/api/v1/quotas").body).at("tenants").at(0).at("day").at("tokens");
    BOOST_TEST(tokens.at("used").as_int64() == 0);
    BOOST_TEST(tokens.at("reserved").as_int64() == 0);
    // The next request is served normally.
    t.primary.always(canned_reply::sse(openai_stream({"fine"})));
    auto next = t.stream();
    BOOST_TEST(next.content == "fine");
    BOOST_TEST(next.done);
}

BOOST_AUTO_TEST_CASE(a_stream_stalled_after_content_ends_with_a_timeout_error_within_the_idle_gap) {
    two_streams t;
    auto stalled = openai_stream({"Once", " upon"});
    stalled.resize(3);
    t.primary.always(canned_reply::sse(stalled, stream_end::stall));
    auto const started = std::chrono::steady_clock::now();
    auto r = t.stream();
    auto const took = std::chrono::steady_clock::now() - started;
    expect_cut_answer(r, "Once upon", "provider_unavailable");
    BOOST_TEST((took < 5s)); // bounded by the 300 ms idle gap, not by the request deadline
}

BOOST_AUTO_TEST_CASE(one_malformed_event_is_skipped) {
    two_streams t;
    auto s = openai_stream({"still", " fine"});
    s.insert(s.begin() + 2, piece{"data: {this is not json\n\n"});
    t.primary.always(canned_reply::sse(s));
    auto r = t.stream();
    BOOST_TEST(r.content == "still fine");
    BOOST_TEST(r.done);
    BOOST_TEST(t.backup.hits() == 0u);
    BOOST_TEST(t.gw->get("/metrics").body.find(R"(switchboard_stream_malformed_events_total{provider="primary"} 1)") !=
               std::string::npos); // skipped, and counted
}

BOOST_AUTO_TEST_CASE(a_stream_that_ends_without_done_is_finalised_with_usage) {
    two_streams t;
    t.primary.always(canned_reply::sse(openai_stream({"no", " marker"}, false)));
    auto r = t.stream();
    BOOST_TEST(r.content == "no marker");
    BOOST_TEST(r.done); // the HTTP end is the end: finalised at once
    BOOST_TEST_REQUIRE(r.usage.has_value());
    BOOST_TEST(r.usage->at("completion_tokens").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(when_every_deployment_fails_before_content_the_client_gets_a_plain_json_error) {
    two_streams t;
    t.primary.always(canned_reply::json(503, "{}"));
    t.backup.always(canned_reply::json(500, "{}"));
    auto res = t.gw->post("/v1/chat/completions", stream_body("chat"));
    BOOST_TEST(res.status == 503);
    BOOST_TEST(res.header("content-type") == "application/json");
    BOOST_TEST(json::parse(res.body).at("error").at("code").as_string() == "provider_unavailable");
}

BOOST_AUTO_TEST_CASE(the_mock_provider_streams_with_zero_config) {
    gateway_fixture gw("");
    auto r = read_stream(gw.post("/v1/chat/completions", stream_body("anything", "Hello there")));
    BOOST_TEST(r.done);
    BOOST_TEST(r.content.find("Hello there") != std::string::npos);
    BOOST_TEST(r.usage.has_value());
}

BOOST_AUTO_TEST_CASE(a_client_that_disconnects_mid_stream_cancels_the_upstream_call_and_its_reservations) {
    mock_upstream up;
    auto s = openai_stream({"one", " two", " three"});
    s.resize(3); // role, "one", " two" — then the provider goes quiet with the connection open
    up.always(canned_reply::sse(s, stream_end::stall));
    gateway_fixture gw("timeouts: {first_token: 10s, stream_idle: 30s, attempt: 60s, request: 60s}\n"
                       "quotas: {tenants: {default: {tokens_per_day: 100000}}}\n"
                       "providers:\n  o: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-openai-00001}\nmodels:\n  chat: [o/m]\n");

    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), gw.port()});
    std::string const body = stream_body("chat");
    std::string const request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    net::write(socket, net::buffer(request));
    std::string seen;
    char buf[4096];
    while (seen.find(" two") == std::string::npos) { // the answer has begun
        auto const n = socket.read_some(net::buffer(buf));
        seen.append(buf, n);
    }
    auto const left = std::chrono::steady_clock::now();
    socket.close(); // the user closed the tab

    auto const give_up = left + 5s;
    while (up.client_closures().empty() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(5ms);
    BOOST_TEST_REQUIRE(!up.client_closures().empty());
    auto const noticed = up.client_closures().front() - left;
    BOOST_TEST((noticed < 1s), "the provider saw its connection closed after "
                                   << std::chrono::duration_cast<std::chrono::milliseconds>(noticed).count() << " ms");

    // Nothing stays reserved, and the gateway serves the next request. The settlement and the
    // in-flight count follow the response on the gateway's threads, so they are awaited.
    auto day_tokens = [&] {
        return json::parse(gw.get("/api/v1/quotas").body).at("tenants").at(0).at("day").at("tokens");
    };
    BOOST_TEST(eventually([&] { return day_tokens().at("reserved").as_int64() == 0; }));
    BOOST_TEST(day_tokens().at("used").as_int64() > 0); // what was streamed counts
    BOOST_TEST(gw.get("/api/health").status == 200);
    BOOST_TEST(eventually([&] { return gw.runtime().in_flight() == 0; }),
               "requests still counted in flight: " << gw.runtime().in_flight());
}

BOOST_AUTO_TEST_CASE(a_cut_stream_continues_on_a_prefill_deployment_without_repeating_itself) {
    mock_upstream primary;
    mock_upstream claude;
    auto cut = openai_stream({"The", " answer"});
    cut.resize(3);
    primary.always(canned_reply::sse(cut, stream_end::cut));
    auto event = [](std::string const& name, std::string const& data) { return piece{domain::sse_named(name, data)}; };
    claude.always(canned_reply::sse({
        event("message_start", R"({"type":"message_start","message":{"id":"m","model":"claude-x","usage":{"input_tokens":30,"output_tokens":1}}})"),
        event("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" is 42."}})"),
        event("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}})"),
        event("message_stop", R"({"type":"message_stop"})"),
    }));
    gateway_fixture gw("timeouts: {first_token: 2s, stream_idle: 2s, attempt: 10s, request: 10s}\n"
                       "resilience: {retry: {max_attempts: 1}}\n"
                       "providers:\n"
                       "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: k-primary-00001}\n"
                       "  claude: {kind: anthropic, base_url: \"" + claude.base_url("/v1") + "\", api_key: k-claude-000001}\n"
                       "models:\n  chat: [primary/p, {provider: claude, model: claude-x, prefill: true}]\n");
    auto r = read_stream(gw.post("/v1/chat/completions", stream_body("chat")));
    BOOST_TEST(r.content == "The answer is 42.");
    BOOST_TEST(r.role_chunks == 1);
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.done);
    BOOST_TEST(!r.error.has_value());
    BOOST_TEST(r.usage->at("completion_tokens").as_int64() == 4); // the continuation's own count
    // The continuation was asked with the text already sent as the assistant's prefill.
    auto const sent = json::parse(claude.requests().at(0).body).as_object();
    auto const& messages = sent.at("messages").as_array();
    BOOST_TEST(messages.back().at("role").as_string() == "assistant");
    BOOST_TEST(json::serialize(messages.back().at("content")).find("The answer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_cut_stream_continues_where_a_regenerated_answer_matches_what_was_sent) {
    two_streams t;
    auto cut = openai_stream({"The", " answer"});
    cut.resize(3);
    t.primary.always(canned_reply::sse(cut, stream_end::cut));
    // The backup (no prefill) regenerates the same answer deterministically, split differently.
    t.backup.always(canned_reply::sse(openai_stream({"The ans", "wer is", " 42."})));
    auto r = t.stream();
    BOOST_TEST(r.content == "The answer is 42."); // " is 42." added once, nothing repeated
    BOOST_TEST(r.role_chunks == 1);
    BOOST_TEST(r.done);
    BOOST_TEST(!r.error.has_value());
}

BOOST_AUTO_TEST_CASE(a_regenerated_answer_that_ends_before_covering_the_sent_text_is_refused) {
    two_streams t;
    auto cut = openai_stream({"The", " answer"});
    cut.resize(3);
    t.primary.always(canned_reply::sse(cut, stream_end::cut));
    t.backup.always(canned_reply::sse(openai_stream({"The"})));
    expect_cut_answer(t.stream(), "The answer", "provider_unavailable");
}

BOOST_AUTO_TEST_CASE(a_reader_that_stops_reading_makes_the_upstream_wait_instead_of_the_gateway_buffering) {
    mock_upstream up;
    std::string const word(4000, 'w');
    std::size_t const events = 15000; // 60 MB of content (streams share the 64 MB response cap)
    piece body{openai_chunk(word)};
    body.times = events;
    up.always(canned_reply::sse({piece{openai_role()}, body, piece{openai_chunk("", "stop")}, piece{domain::sse_data("[DONE]")}}));
    gateway_fixture gw("timeouts: {first_token: 10s, stream_idle: 30s, attempt: 60s, request: 60s}\n"
                       "providers:\n  o: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-openai-00001}\nmodels:\n  chat: [o/m]\n");
    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.open(net::ip::tcp::v4());
    socket.set_option(net::socket_base::receive_buffer_size(64 * 1024)); // a small, slow reader
    socket.connect({net::ip::make_address("127.0.0.1"), gw.port()});
    timeval limit{20, 0}; // a stream that never ends fails the test instead of hanging it
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string const body_text = stream_body("chat", "Hello", false);
    net::write(socket, net::buffer("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                   "Content-Length: " + std::to_string(body_text.size()) + "\r\n\r\n" + body_text));
    char buf[64 * 1024];
    std::size_t received = socket.read_some(net::buffer(buf)); // the stream has begun
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // then the reader stalls
    auto const written = up.streamed_bytes();
    BOOST_TEST_MESSAGE("provider wrote " << written / 1'000'000 << " MB of " << events * word.size() / 1'000'000
                                         << " MB while the client read nothing");
    BOOST_TEST(written < events * word.size() / 2); // held up by full socket buffers, not piled up in the gateway
    // Nothing is lost: the reader drains the whole answer, to its end.
    std::string tail;
    boost::system::error_code ec;
    while (!ec) {
        auto const n = socket.read_some(net::buffer(buf), ec);
        received += n;
        tail.append(buf, n);
        if (tail.size() > 64) tail.erase(0, tail.size() - 64);
        if (tail.find("[DONE]") != std::string::npos) break;
    }
    BOOST_TEST(tail.find("data: [DONE]") != std::string::npos);
    BOOST_TEST(received > events * word.size());
}

BOOST_AUTO_TEST_CASE(a_rejected_prefill_never_hides_the_original_failure) {
    mock_upstream primary;
    mock_upstream strict;
    auto cut = openai_stream({"The", " answer"});
    cut.resize(3);
    primary.always(canned_reply::sse(cut, stream_end::cut));
    // A deployment declared prefill-capable that refuses a final assistant message after all.
    strict.always(canned_reply::json(400, R"({"error":{"message":"Assistant prefill is not supported","type":"invalid_request_error"}})"));
    gateway_fixture gw("timeouts: {first_token: 2s, stream_idle: 2s, attempt: 10s, request: 10s}\n"
                       "resilience: {retry: {max_attempts: 1}}\n"
                       "providers:\n"
                       "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: k-primary-00001}\n"
                       "  strict: {kind: openai, base_url: \"" + strict.base_url("/v1") + "\", api_key: k-strict-000001}\n"
                       "models:\n  chat: [primary/p, {provider: strict, model: s, prefill: true}]\n");
    auto r = read_stream(gw.post("/v1/chat/completions", stream_body("chat")));
    BOOST_TEST(strict.hits() == 1u);
    BOOST_TEST(r.content == "The answer");
    BOOST_TEST_REQUIRE(r.error.has_value());
    // The cut is what the client hears of, not the continuation's 400.
    BOOST_TEST(r.error->at("error").at("code").as_string() == "provider_unavailable");
    BOOST_TEST(!r.done);
}

// The body is parsed where it lies in the read buffer, a piece at a time: however the provider's
// writes split the framing — a chunk size, its extension, the CRLFs — the events come out whole,
// and a body that ended where its framing said leaves its connection to the next stream.
BOOST_AUTO_TEST_CASE(a_chunked_stream_split_anywhere_is_relayed_whole_and_its_connection_kept) {
    mock_upstream up;
    std::string body;
    for (auto const& p : openai_stream({"split", " anywhere"})) body += hex(p.data.size()) + ";ext=\"a b\"\r\n" + p.data + "\r\n";
    body += "0\r\n\r\n";
    up.always(unframed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n", body, 3));
    auto gw = one_stream_provider(up, "first_token: 5s, stream_idle: 5s, attempt: 20s, request: 20s");
    for (int i = 0; i < 2; ++i)
        expect_whole_answer(read_stream(gw.post("/v1/chat/completions", stream_body("chat"))), "split anywhere");
    BOOST_TEST(up.connections() == 1u);
}

BOOST_AUTO_TEST_CASE(a_stream_framed_by_its_length_or_by_the_close_is_relayed_whole) {
    mock_upstream sized;
    auto const body = events_of(openai_stream({"by", " length"}));
    sized.always(unframed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n", body, 40));
    auto gw = one_stream_provider(sized, "first_token: 5s, stream_idle: 5s, attempt: 20s, request: 20s");
    for (int i = 0; i < 2; ++i)
        expect_whole_answer(read_stream(gw.post("/v1/chat/completions", stream_body("chat"))), "by length");
    BOOST_TEST(sized.connections() == 1u);

    mock_upstream closing;
    closing.always(unframed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n",
                            events_of(openai_stream({"by", " close"}, false)), 40, stream_end::cut));
    auto gw2 = one_stream_provider(closing, "first_token: 5s, stream_idle: 5s, attempt: 20s, request: 20s");
    expect_whole_answer(read_stream(gw2.post("/v1/chat/completions", stream_body("chat"))), "by close");
}

// What the parser has not taken yet stays in the read buffer: a chunk header that never ends would
// grow it without bound. Past 64 KiB the attempt fails as a bad response at once (not when the
// first-token deadline passes, which would answer upstream_timeout).
BOOST_AUTO_TEST_CASE(a_chunk_header_that_never_ends_fails_the_attempt_as_a_bad_response) {
    mock_upstream up;
    up.always(unframed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                       "1a;" + std::string(100 * 1024, 'x'), 8 * 1024, stream_end::stall));
    auto gw = one_stream_provider(up, "first_token: 10s, stream_idle: 10s, attempt: 10s, request: 10s");
    auto res = gw.post("/v1/chat/completions", stream_body("chat"));
    BOOST_TEST(res.status == 502);
    BOOST_TEST(json::parse(res.body).at("error").at("code").as_string() == "upstream_bad_response");
}

BOOST_AUTO_TEST_SUITE_END()
