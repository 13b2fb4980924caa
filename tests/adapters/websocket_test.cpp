// WebSocket streaming at /api/v1/ai/stream: chat.stream.start → chat.chunk… → chat.complete, or
// chat.error; the same failover and integrity rules as SSE; bad messages do not end the session.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/redis_server.hpp"

#include "adapters/auth/key_ring.hpp"

#include "domain/sse.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;
namespace websocket = boost::beast::websocket;
using piece = canned_reply::piece;

namespace {
class ws_session {
  public:
    explicit ws_session(unsigned short port, std::vector<std::pair<std::string, std::string>> headers = {},
                        std::string const& target = "/api/v1/ai/stream") {
        net::ip::tcp::socket socket(io_);
        socket.connect({net::ip::make_address("127.0.0.1"), port});
        ws_.next_layer() = std::move(socket);
        ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
            for (auto const& [k, v] : headers) req.set(k, v);
        }));
        ws_.handshake(response, "127.0.0.1", target);
    }
    websocket::response_type response; // of the handshake
    void send(std::string const& text) { ws_.write(net::buffer(text)); }
    json::object receive() {
        boost::beast::flat_buffer buffer;
        ws_.read(buffer);
        return json::parse(boost::beast::buffers_to_string(buffer.data())).as_object();
    }
    // Messages until chat.complete or chat.error (included).
    std::vector<json::object> stream(std::string const& start) {
        send(start);
        std::vector<json::object> out;
        for (;;) {
            out.push_back(receive());
            auto const type = out.back().at("type").as_string();
            if (type == "chat.complete" || type == "chat.error") return out;
        }
    }

  private:
    net::io_context io_;
    websocket::stream<net::ip::tcp::socket> ws_{io_};
};

std::string start(std::string const& model, std::string const& id = "c1") {
    return R"({"type":"chat.stream.start","id":")" + id + R"(","request":{"model":")" + model +
           R"(","messages":[{"role":"user","content":"Hello socket"}]}})";
}

std::string text_of(std::vector<json::object> const& messages) {
    std::string text;
    for (auto const& m : messages)
        if (m.at("type").as_string() == "chat.chunk")
            for (auto const& c : m.at("chunk").at("choices").as_array())
                if (auto const* t = c.at("delta").as_object().if_contains("content"); t && t->is_string())
                    text += t->as_string();
    return text;
}
} // namespace

BOOST_AUTO_TEST_SUITE(websocket_stream)

BOOST_AUTO_TEST_CASE(chunks_then_complete_with_the_whole_response_and_usage) {
    gateway_fixture gw("");
    ws_session ws(gw.port());
    auto const messages = ws.stream(start("anything"));
    BOOST_TEST_REQUIRE(messages.size() > 2u);
    BOOST_TEST(messages.front().at("type").as_string() == "chat.chunk");
    BOOST_TEST(messages.front().at("id").as_string() == "c1");
    auto const& end = messages.back();
    BOOST_TEST_REQUIRE(end.at("type").as_string() == "chat.complete");
    auto const& response = end.at("response").as_object();
    BOOST_TEST(response.at("object").as_string() == "chat.completion");
    auto const content = std::string(response.at("choices").at(0).at("message").at("content").as_string());
    BOOST_TEST(content == text_of(messages)); // the chunks and the whole agree
    BOOST_TEST(content.find("Hello socket") != std::string::npos);
    BOOST_TEST(response.at("choices").at(0).at("finish_reason").as_string() == "stop");
    BOOST_TEST(end.at("usage").at("total_tokens").as_int64() > 0);

    // The session goes on: a malformed message gets a chat.error, the next start works.
    ws.send("not json");
    auto bad = ws.receive();
    BOOST_TEST(bad.at("type").as_string() == "chat.error");
    BOOST_TEST(bad.at("error").at("code").as_string() == "invalid_request");
    ws.send(R"({"type":"chat.stream.start","id":"c2","request":{"model":"m"}})"); // no messages
    auto invalid = ws.receive();
    BOOST_TEST(invalid.at("type").as_string() == "chat.error");
    BOOST_TEST(invalid.at("id").as_string() == "c2");
    BOOST_TEST(invalid.at("error").at("param").as_string() == "messages");
    auto again = ws.stream(start("anything", "c3"));
    BOOST_TEST(again.back().at("type").as_string() == "chat.complete");
    BOOST_TEST(again.back().at("id").as_string() == "c3");
}

BOOST_AUTO_TEST_CASE(a_cut_answer_ends_with_chat_error_never_chat_complete) {
    mock_upstream up;
    up.always(canned_reply::sse(
        {piece{domain::sse_data(R"({"id":"u","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})")},
         piece{domain::sse_data(R"({"id":"u","choices":[{"index":0,"delta":{"content":"Half"},"finish_reason":null}]})")}},
        canned_reply::stream_end::cut));
    gateway_fixture gw("providers:\n  o: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-openai-00001}\nmodels:\n  chat: [o/m]\n");
    ws_session ws(gw.port());
    auto const messages = ws.stream(start("chat"));
    BOOST_TEST(text_of(messages) == "Half");
    BOOST_TEST(messages.back().at("type").as_string() == "chat.error");
    BOOST_TEST(messages.back().at("error").at("code").as_string() == "provider_unavailable");
    for (auto const& m : messages) BOOST_TEST(m.at("type").as_string() != "chat.complete");
}

BOOST_AUTO_TEST_CASE(a_failure_before_content_falls_back_unseen) {
    mock_upstream primary;
    mock_upstream backup;
    primary.always(canned_reply::json(503, "{}"));
    backup.always(canned_reply::sse(
        {piece{domain::sse_data(R"({"id":"u","choices":[{"index":0,"delta":{"content":"from backup"},"finish_reason":"stop"}]})")},
         piece{domain::sse_data("[DONE]")}}));
    gateway_fixture gw("resilience: {retry: {max_attempts: 1}}\nproviders:\n"
                       "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: k-primary-00001}\n"
                       "  backup: {kind: openai, base_url: \"" + backup.base_url("/v1") + "\", api_key: k-backup-000001}\n"
                       "models:\n  chat: [primary/p, backup/b]\n");
    ws_session ws(gw.port());
    auto const messages = ws.stream(start("chat"));
    BOOST_TEST(messages.back().at("type").as_string() == "chat.complete");
    BOOST_TEST(text_of(messages) == "from backup");
}

BOOST_AUTO_TEST_CASE(the_upgrade_goes_through_the_inbound_limits_and_a_plain_get_is_told_to_upgrade) {
    gateway_fixture gw("limits: [{per: ip, requests: 2, window: 60s, route: /api/v1/ai/stream}]\n");
    auto plain = gw.get("/api/v1/ai/stream"); // counts against the route's limit too
    BOOST_TEST(plain.status == 400);
    BOOST_TEST(json::parse(plain.body).at("error").at("message").as_string().find("WebSocket") != std::string::npos);
    { ws_session first(gw.port()); }
    BOOST_CHECK_THROW(ws_session second(gw.port()), boost::system::system_error); // 429 instead of 101
}

BOOST_AUTO_TEST_CASE(a_message_id_too_large_to_echo_is_refused_and_the_session_goes_on) {
    gateway_fixture gw("");
    ws_session ws(gw.port());
    auto const big = std::string(10'000, 'i');
    auto refused = ws.stream(start("mock-1", big));
    BOOST_TEST_REQUIRE(refused.size() == 1u);
    BOOST_TEST(refused.back().at("type").as_string() == "chat.error");
    BOOST_TEST(refused.back().at("error").at("param").as_string() == "id");
    BOOST_TEST(refused.back().at("id").is_null()); // not echoed
    auto served = ws.stream(start("mock-1", "short-id"));
    BOOST_TEST(served.back().at("type").as_string() == "chat.complete");
    BOOST_TEST(served.back().at("id").as_string() == "short-id");
}

namespace {
// Each start is a call on /v1/chat/completions for the inbound limits, decided where HTTP's are:
// with Redis the check runs alongside the call and is awaited before any upstream call.
void each_start_counts_against_the_chat_route(std::string const& store_url) {
    mock_upstream up;
    up.always(canned_reply::sse({piece{domain::sse_data(
        R"({"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]})")}}));
    std::string config = "limits: [{per: ip, requests: 2, window: 60s, route: /v1/chat/completions}]\n"
                         "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
                         "\", api_key: k-000000000001}\nmodels:\n  chat: [p/m]\n";
    if (!store_url.empty()) config += "store: {url: \"" + store_url + "\"}\n";
    gateway_fixture gw(config);
    ws_session ws(gw.port());
    for (int i = 0; i < 2; ++i) BOOST_TEST(ws.stream(start("chat")).back().at("type").as_string() == "chat.complete");
    auto refused = ws.stream(start("chat", "third"));
    BOOST_TEST(refused.back().at("type").as_string() == "chat.error");
    BOOST_TEST(refused.back().at("error").at("code").as_string() == "rate_limit_exceeded");
    BOOST_TEST(refused.back().at("id").as_string() == "third");
    BOOST_TEST(up.hits() == 2u); // the refused start reached no provider
    BOOST_TEST(gw.chat(R"({"model":"chat","messages":[{"role":"user","content":"x"}]})").status == 429); // one count
}
} // namespace

BOOST_AUTO_TEST_CASE(with_auth_on_the_upgrade_needs_a_key_and_its_tenant_counts) {
    std::string const secret = "websocket-test-secret-0123";
    auto const key = adapters::key_ring::mint(secret);
    gateway_fixture gw("auth: {secret: " + secret + ", keys: [{id: " + key.id + ", hash: " + key.secret_hash +
                       ", tenant: acme}]}\nquotas: {tenants: {acme: {requests_per_day: 100}}}\n");
    { // No credential with the upgrade: the first message must be one, or the session ends.
        ws_session anonymous(gw.port());
        auto refused = anonymous.stream(start("mock-1"));
        BOOST_TEST(refused.back().at("error").at("code").as_string() == "unauthorized");
        BOOST_CHECK_THROW(anonymous.receive(), std::exception); // closed (1008)
    }
    ws_session ws(gw.port(), {{"Authorization", "Bearer " + key.text}});
    BOOST_TEST(ws.stream(start("mock-1")).back().at("type").as_string() == "chat.complete");
}

// Browsers cannot set headers on a WebSocket: an access token from /api/auth/login is taken as
// the access_token query parameter or as the subprotocol "bearer.<token>" — a long-lived key
// never is.
BOOST_AUTO_TEST_CASE(a_browser_opens_the_stream_with_an_access_token_never_with_its_key) {
    std::string const secret = "websocket-test-secret-0123";
    auto const key = adapters::key_ring::mint(secret);
    gateway_fixture gw("auth: {secret: " + secret + ", keys: [{id: " + key.id + ", hash: " + key.secret_hash +
                       ", tenant: acme}]}\nquotas: {tenants: {acme: {requests_per_day: 100}}}\n");
    auto login = http_call(gw.port(), "POST", "/api/auth/login", "", {{"Authorization", "Bearer " + key.text}});
    BOOST_TEST_REQUIRE(login.status == 200);
    std::string const token(json::parse(login.body).at("access_token").as_string());

    ws_session by_query(gw.port(), {}, "/api/v1/ai/stream?access_token=" + token);
    BOOST_TEST(by_query.stream(start("mock-1")).back().at("type").as_string() == "chat.complete");
    ws_session by_protocol(gw.port(), {{"Sec-WebSocket-Protocol", "switchboard, bearer." + token}});
    BOOST_TEST(by_protocol.response[boost::beast::http::field::sec_websocket_protocol] == "switchboard");
    BOOST_TEST(by_protocol.stream(start("mock-1")).back().at("type").as_string() == "chat.complete");

    BOOST_CHECK_THROW(ws_session(gw.port(), {}, "/api/v1/ai/stream?access_token=" + key.text),
                      boost::system::system_error);
    BOOST_CHECK_THROW(ws_session(gw.port(), {{"Sec-WebSocket-Protocol", "switchboard, bearer." + key.text}}),
                      boost::system::system_error);
    BOOST_CHECK_THROW(ws_session(gw.port(), {}, "/api/v1/ai/stream?access_token=" + token + "x"),
                      boost::system::system_error);

    // Or, like socket.io's `auth: {token}`, as the session's first message.
    ws_session by_message(gw.port());
    by_message.send(R"({"type":"auth","token":")" + token + R"("})");
    auto const ok = by_message.receive();
    BOOST_TEST(ok.at("type").as_string() == "auth.ok");
    BOOST_TEST(ok.at("tenant").as_string() == "acme");
    BOOST_TEST(by_message.stream(start("mock-1")).back().at("type").as_string() == "chat.complete");
    for (auto const& bad : {key.text, token + "x"}) {
        ws_session refused(gw.port());
        refused.send(R"({"type":"auth","token":")" + bad + R"("})");
        auto const error = refused.receive();
        BOOST_TEST(error.at("type").as_string() == "chat.error");
        BOOST_TEST(error.at("error").at("code").as_string() == "unauthorized");
        BOOST_CHECK_THROW(refused.receive(), std::exception); // closed
    }
}

// The WebSocket shares the response cache: a completed stream is kept, the same start again is
// replayed from it (its chunks, then chat.complete saying "cache":"hit").
BOOST_AUTO_TEST_CASE(a_start_already_answered_is_replayed_from_the_cache) {
    gateway_fixture gw("");
    ws_session ws(gw.port());
    std::string const deterministic = R"({"type":"chat.stream.start","id":"c1","request":{"model":"mock-1",)"
                                      R"("temperature":0,"messages":[{"role":"user","content":"Hello socket"}]}})";
    auto const first = ws.stream(deterministic);
    BOOST_TEST(first.back().at("cache").as_string() == "miss");
    auto const again = ws.stream(deterministic);
    BOOST_TEST_REQUIRE(again.back().at("type").as_string() == "chat.complete");
    BOOST_TEST(again.back().at("cache").as_string() == "hit");
    BOOST_TEST(text_of(again) == text_of(first));
    BOOST_TEST(!text_of(again).empty());
    BOOST_TEST(again.back().at("response").at("choices").at(0).at("message").at("content").as_string() ==
               text_of(first));
    BOOST_TEST(ws.stream(start("mock-1")).back().at("cache").as_string() == "bypass"); // sampled: not kept
}

BOOST_AUTO_TEST_CASE(each_start_counts_against_the_chat_route_in_memory) {
    each_start_counts_against_the_chat_route("");
}

BOOST_AUTO_TEST_CASE(each_start_counts_against_the_chat_route_in_redis) {
    redis_server redis;
    each_start_counts_against_the_chat_route(redis.url());
}

BOOST_AUTO_TEST_CASE(a_silent_session_is_closed_after_the_idle_timeout) {
    gateway_fixture gw("server: {idle_timeout: 300ms}\n");
    ws_session ws(gw.port());
    auto const started = std::chrono::steady_clock::now();
    bool closed = false;
    try {
        ws.receive(); // nothing is sent: the server closes the session
    } catch (std::exception const&) {
        closed = true;
    }
    BOOST_TEST(closed);
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_SUITE_END()
