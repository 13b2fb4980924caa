// What a client may send must never split, duplicate or fake a response: control characters in
// values that reach headers, lenient framing (Transfer-Encoding, chunk lines, Host), cross-site
// calls from a browser, answers whose size the client chooses, and state keyed by names the
// client invents. Raw-socket tests assert the exact bytes on the wire.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include "adapters/http/framing.hpp"
#include "adapters/http/response_head.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::size_t count_of(std::string const& text, std::string const& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::string post_raw(std::string const& body, std::string const& extra_headers = "") {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}
} // namespace

BOOST_AUTO_TEST_SUITE(request_hardening)

BOOST_AUTO_TEST_CASE(a_model_with_control_characters_is_refused_and_no_header_is_injected) {
    gateway_fixture gw("");
    for (std::string const model : {"m\\r\\nX-Injected: 1", "m\\nHTTP/1.1 200 OK", "m\\u0000x", "m\\tx"}) {
        for (std::string const stream : {"false", "true"}) {
            auto const body = R"({"model":")" + model + R"(","stream":)" + stream +
                              R"(,"messages":[{"role":"user","content":"hi"}]})";
            auto const reply = raw_exchange(gw.port(), post_raw(body));
            BOOST_TEST(reply.rfind("HTTP/1.1 400", 0) == 0u, model << ": " << reply.substr(0, 60));
            BOOST_TEST(count_of(reply, "HTTP/1.1 ") == 1u, model);
            BOOST_TEST(reply.find("X-Injected") == std::string::npos, model);
            BOOST_TEST(reply.find(R"("param":"model")") != std::string::npos, model);
        }
    }
    // The embeddings route refuses the same.
    auto res = gw.post("/v1/embeddings", R"({"model":"e\r\nX-Injected: 1","input":"hi"})");
    BOOST_TEST(res.status == 400);
}

BOOST_AUTO_TEST_CASE(the_response_head_writer_drops_a_header_value_with_cr_lf_or_nul) {
    adapters::http_response res{adapters::http::status::ok, 11};
    res.set("x-ok", "fine");
    res.set("x-split", std::string("a\r\nX-Injected: 1"));
    res.set("x-nul", std::string("a\0b", 3));
    res.body() = "{}";
    auto const head = adapters::response_head(res);
    BOOST_TEST(head.find("x-ok: fine\r\n") != std::string::npos);
    BOOST_TEST(head.find("X-Injected") == std::string::npos);
    BOOST_TEST(head.find("x-nul") == std::string::npos);
    BOOST_TEST(count_of(head, "\r\n\r\n") == 1u);
}

BOOST_AUTO_TEST_CASE(lenient_framing_gets_a_clean_immediate_error_and_one_response) {
    gateway_fixture gw("");
    std::string const body = R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}]})";
    std::string const start = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    std::string const chunked_body = [&] {
        char size[16];
        std::snprintf(size, sizeof size, "%zx", body.size());
        return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
    }();
    std::string const smuggled = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
    struct shape {
        std::string name, raw, status;
    };
    std::vector<shape> const shapes{
        {"chunked twice", start + "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunked_body + smuggled, "400"},
        {"chunked in two fields", start + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked_body, "400"},
        {"unknown coding before chunked", start + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked_body, "501"},
        {"made-up coding before chunked", start + "Transfer-Encoding: x-custom, chunked\r\n\r\n" + chunked_body, "501"},
        {"bare LF after a chunk size", start + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", "400"},
        {"bare LF after a chunk extension", start + "Transfer-Encoding: chunked\r\n\r\n5;a=b\nhello\r\n0\r\n\r\n", "400"},
        {"no Host", "GET /api/health HTTP/1.1\r\n\r\n", "400"},
        {"two Hosts", "GET /api/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"},
    };
    for (auto const& s : shapes) {
        auto const started = std::chrono::steady_clock::now();
        auto const reply = raw_exchange(gw.port(), s.raw, std::chrono::seconds(3));
        BOOST_TEST(reply.rfind("HTTP/1.1 " + s.status, 0) == 0u, s.name << ": " << reply.substr(0, 40));
        BOOST_TEST(count_of(reply, "HTTP/1.1 ") == 1u, s.name << ": more than one response");
        BOOST_TEST(reply.find("Connection: close") != std::string::npos, s.name);
        // Immediate: well before the 3 s the exchange may take (the body timeout is 30 s).
        BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(2)), s.name);
    }
    // A well-formed chunked request is still served, and HTTP/1.0 without Host too.
    auto ok = raw_exchange(gw.port(), start + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked_body);
    BOOST_TEST(ok.rfind("HTTP/1.1 200", 0) == 0u, ok.substr(0, 40));
    auto old = raw_exchange(gw.port(), "GET /api/health HTTP/1.0\r\n\r\n");
    BOOST_TEST(old.rfind("HTTP/1.0 200", 0) == 0u, old.substr(0, 40));
}

// Requests pipelined in one write are answered in order, whole: the read buffer the server lets
// go while a call is served (memory per open stream) is kept while it holds the next request.
BOOST_AUTO_TEST_CASE(pipelined_requests_are_each_answered_in_order) {
    gateway_fixture gw("");
    auto const chat = [](std::string const& stream) {
        std::string const body = R"({"model":"mock-1","stream":)" + stream + R"(,"messages":[{"role":"user","content":"hi"}]})";
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    auto const reply = raw_exchange(gw.port(), chat("false") + chat("true") + chat("false") +
                                                   "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(count_of(reply, "HTTP/1.1 200 OK\r\n") == 4u, reply.substr(0, 200));
    auto const first_whole = reply.find(R"("object":"chat.completion")");
    auto const stream = reply.find("data: [DONE]");
    auto const second_whole = reply.find(R"("object":"chat.completion")", first_whole + 1);
    auto const health = reply.rfind("HTTP/1.1 200 OK");
    BOOST_TEST_REQUIRE(first_whole != std::string::npos);
    BOOST_TEST_REQUIRE(stream != std::string::npos);
    BOOST_TEST_REQUIRE(second_whole != std::string::npos);
    BOOST_TEST((first_whole < stream && stream < second_whole && second_whole < health));
}

// A request is parsed from what the server has buffered and read further only when that is not
// all of it: however its bytes are split across segments — mid-line in the header, between the
// header and the body, inside the body, with the next request in the same segment as the end of
// the body — each request is read whole and answered once, in order.
BOOST_AUTO_TEST_CASE(a_request_split_across_segments_is_read_whole_and_the_next_one_after_it) {
    gateway_fixture gw("");
    std::string const body = R"({"model":"mock-1","messages":[{"role":"user","content":"hello in pieces"}]})";
    std::string const head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    std::string const health = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    auto const reply = raw_exchange_in_pieces(
        gw.port(), {head.substr(0, 20), head.substr(20), body.substr(0, 10), body.substr(10, 30), body.substr(40) + health},
        std::chrono::milliseconds(30));
    BOOST_TEST(count_of(reply, "HTTP/1.1 200 OK\r\n") == 2u, reply.substr(0, 300));
    auto const answer = reply.find(R"("object":"chat.completion")");
    auto const second = reply.rfind("HTTP/1.1 200 OK");
    BOOST_TEST_REQUIRE(answer != std::string::npos);
    BOOST_TEST(answer < second);
    BOOST_TEST(count_of(reply, "HTTP/1.1 4") == 0u); // no 400/408: nothing read short or twice
    // The header whole, the body later: a body split from its header alone.
    auto const later = raw_exchange_in_pieces(gw.port(), {post_raw(body).substr(0, post_raw(body).size() - body.size()), body},
                                              std::chrono::milliseconds(30));
    BOOST_TEST(later.rfind("HTTP/1.1 200 OK", 0) == 0u, later.substr(0, 200));
}

BOOST_AUTO_TEST_CASE(head_on_health_answers_the_head_of_a_get_without_its_body) {
    gateway_fixture gw("");
    for (std::string const path : {"/api/health", "/api/v1/health", "/api/ready", "/api/health/detailed"}) {
        auto const reply = raw_exchange(gw.port(), "HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        BOOST_TEST(reply.rfind("HTTP/1.1 200", 0) == 0u, path << ": " << reply.substr(0, 40));
        auto const end = reply.find("\r\n\r\n");
        BOOST_TEST_REQUIRE(end != std::string::npos);
        BOOST_TEST(reply.size() == end + 4, path << ": a body followed the head");
        BOOST_TEST(reply.find("Content-Length: 0") == std::string::npos, path);
    }
}

BOOST_AUTO_TEST_CASE(json_endpoints_refuse_other_content_types_before_any_call) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "ok")));
    gateway_fixture gw("providers:\n  up: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-up-0000000001}\n");
    std::string const body = R"({"model":"up/m","messages":[{"role":"user","content":"hi"}]})";
    for (std::string const type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""}) {
        std::string const header = type.empty() ? "" : "Content-Type: " + type + "\r\n";
        auto const reply = raw_exchange(gw.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + header +
                                                       "Content-Length: " + std::to_string(body.size()) +
                                                       "\r\nConnection: close\r\n\r\n" + body);
        BOOST_TEST(reply.rfind("HTTP/1.1 415", 0) == 0u, type << ": " << reply.substr(0, 40));
        BOOST_TEST(reply.find("unsupported_media_type") != std::string::npos, type);
    }
    BOOST_TEST(up.hits() == 0u); // nothing ran, nothing was billed
    auto const ok = raw_exchange(gw.port(), post_raw(body, "").replace(post_raw(body).find("application/json"), 16,
                                                                        "application/json; charset=utf-8"));
    BOOST_TEST(ok.rfind("HTTP/1.1 200", 0) == 0u, ok.substr(0, 40));
}

BOOST_AUTO_TEST_CASE(a_websocket_upgrade_from_an_origin_not_allowed_is_refused) {
    gateway_fixture gw("server: {cors: {allow_origins: [\"https://app.example.com\"]}}\n");
    auto upgrade = [&](std::string const& origin_header) {
        return raw_exchange(gw.port(),
                            "GET /api/v1/ai/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                                origin_header + "\r\n",
                            std::chrono::milliseconds(800));
    };
    auto const evil = upgrade("Origin: https://evil.example.net\r\n");
    BOOST_TEST(evil.rfind("HTTP/1.1 403", 0) == 0u, evil.substr(0, 40));
    BOOST_TEST(upgrade("Origin: https://app.example.com\r\n").rfind("HTTP/1.1 101", 0) == 0u);
    BOOST_TEST(upgrade("").rfind("HTTP/1.1 101", 0) == 0u); // not a browser: no Origin to check
}

BOOST_AUTO_TEST_CASE(an_embeddings_request_cannot_ask_for_an_answer_of_unbounded_size) {
    gateway_fixture gw("");
    std::string inputs = "[";
    for (int i = 0; i < 2048; ++i) inputs += std::string(i ? "," : "") + "\"t\"";
    inputs += "]";
    auto huge = gw.post("/v1/embeddings", R"({"model":"mock-e","input":)" + inputs + R"(,"dimensions":16384})");
    BOOST_TEST(huge.status == 400);
    BOOST_TEST(json::parse(huge.body).at("error").at("param").as_string() == "dimensions");
    // Within the API's bound but over what the mock builds: the mock refuses, nothing is built.
    auto large = gw.post("/v1/embeddings", R"({"model":"mock-e","input":)" + inputs + R"(,"dimensions":3072})");
    BOOST_TEST(large.status == 400);
    auto fine = gw.post("/v1/embeddings", R"({"model":"mock-e","input":["a","b"],"dimensions":256})");
    BOOST_TEST(fine.status == 200);
}

BOOST_AUTO_TEST_CASE(thousands_of_invented_model_names_and_tenants_leave_state_and_metrics_flat) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "ok")));
    gateway_fixture gw("providers:\n  up: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-up-0000000001}\n"
                       "models:\n  chat: [up/fixed-model]\n"
                       "quotas: {tenants: {default: {tokens_per_day: 100000000}}}\n");
    BOOST_TEST(gw.chat(chat_body("chat")).status == 200);
    auto call_names = [&](int from, int to) {
        for (int i = from; i < to; ++i)
            BOOST_TEST_REQUIRE(gw.chat(chat_body("up/invented-" + std::to_string(i)),
                                       {{"X-Tenant-Id", "tenant-" + std::to_string(i)}})
                                   .status == 200);
    };
    call_names(0, 300);
    gw.get("/metrics"); // the scrape's own route series exist from here on
    auto const series_300 = count_of(gw.get("/metrics").body, "\n");
    auto const tracked_300 = gw.runtime().resilience().tracked();
    call_names(300, 2000);
    auto const metrics = gw.get("/metrics").body;
    BOOST_TEST(gw.runtime().resilience().tracked() == tracked_300); // bounded: 256 invented + the fixed one
    BOOST_TEST(gw.runtime().resilience().tracked() <= 257u);
    BOOST_TEST(count_of(metrics, "\n") == series_300);         // no series per invented name
    BOOST_TEST(metrics.find("invented-") == std::string::npos);
    BOOST_TEST(metrics.find("tenant-") == std::string::npos); // tenants outside the config are "other"
    BOOST_TEST(metrics.find(R"(model="fixed-model")") != std::string::npos);
    BOOST_TEST(metrics.find(R"(model="other")") != std::string::npos);
    auto const health = gw.get("/api/health/detailed").body;
    BOOST_TEST(health.find("invented-") == std::string::npos);
    BOOST_TEST(health.find("up/fixed-model") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_request_with_a_key_given_twice_is_refused) {
    gateway_fixture gw("");
    auto chat = gw.post("/v1/chat/completions",
                        R"({"model":"mock-1","model":"other","messages":[{"role":"user","content":"hi"}]})");
    BOOST_TEST(chat.status == 400);
    BOOST_TEST(json::parse(chat.body).at("error").at("param").as_string() == "model");
    auto nested = gw.post("/v1/embeddings", R"({"model":"mock-e","input":"a","extra":{"x":1,"x":2}})");
    BOOST_TEST(nested.status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(framing_checks)

BOOST_AUTO_TEST_CASE(transfer_codings_are_exactly_chunked_or_refused) {
    using adapters::check_transfer_codings;
    using adapters::transfer_codings;
    BOOST_TEST((check_transfer_codings("chunked") == transfer_codings::chunked));
    BOOST_TEST((check_transfer_codings(" Chunked ") == transfer_codings::chunked));
    BOOST_TEST((check_transfer_codings("chunked, chunked") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings("chunked,chunked") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings("chunked, gzip") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings("identity") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings("") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings(", chunked") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings("chunked;x=1") == transfer_codings::malformed));
    BOOST_TEST((check_transfer_codings("gzip, chunked") == transfer_codings::unsupported));
    BOOST_TEST((check_transfer_codings("x-made-up,chunked") == transfer_codings::unsupported));
}

BOOST_AUTO_TEST_CASE(the_chunked_scan_finds_the_end_and_every_malformed_line_at_once) {
    using verdict = adapters::chunked_body_scan::verdict;
    auto scan = [](std::string const& body, std::size_t split) {
        adapters::chunked_body_scan s;
        auto v = s.feed(std::string_view(body).substr(0, split));
        if (v != verdict::more) return v;
        return s.feed(std::string_view(body).substr(split));
    };
    std::string const good = "5\r\nhello\r\n1a;ext=1\r\n" + std::string(26, 'x') + "\r\n0\r\nTrailer: t\r\n\r\nNEXT";
    for (std::size_t split = 0; split <= good.size(); ++split) BOOST_TEST((scan(good, split) == verdict::done), split);
    for (std::string const bad : {"5\nhello\r\n0\r\n\r\n", "5;e\nhello\r\n0\r\n\r\n", "5\r\nhelloX\r\n0\r\n\r\n",
                                  "g\r\n", "\r\n", "0\r\nT: 1\n\r\n", "0\r\n\n", "11111111111111111\r\n"})
        for (std::size_t split = 0; split <= bad.size(); ++split)
            BOOST_TEST((scan(bad, split) == verdict::bad), bad << " split at " << split);
    adapters::chunked_body_scan partial;
    BOOST_TEST((partial.feed("5\r\nhel") == verdict::more));
}

BOOST_AUTO_TEST_SUITE_END()
