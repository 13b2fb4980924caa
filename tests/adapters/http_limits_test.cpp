// The inbound HTTP surface: limits, malformed input, unknown routes, ids, keep-alive, drain.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
json::value error_of(client_response const& r) {
    return json::parse(r.body).at("error");
}
constexpr char const* zero_config = "";
} // namespace

BOOST_AUTO_TEST_SUITE(http_surface)

BOOST_AUTO_TEST_CASE(zero_config_serves_any_model_from_the_mock) {
    gateway_fixture gw(zero_config);
    auto res = gw.chat(chat_body("gpt-4o-mini", "ping"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(json::parse(res.body).at("choices").as_array()[0].at("message").at("content").as_string() ==
               "Mock reply from gpt-4o-mini: ping");
    BOOST_TEST(res.header("x-switchboard-provider") == "mock");
    BOOST_TEST(res.header("x-switchboard-cost-usd") == "0.00000000");
    BOOST_TEST(res.header("x-request-id").size() == 32u);
}

BOOST_AUTO_TEST_CASE(malformed_json_is_a_400) {
    gateway_fixture gw(zero_config);
    auto res = gw.chat("{\"model\": \"x\", ");
    BOOST_TEST(res.status == 400);
    BOOST_TEST(error_of(res).at("code").as_string() == "invalid_request");
    BOOST_TEST(error_of(res).at("type").as_string() == "invalid_request_error");
    BOOST_TEST(json::parse(res.body).at("request_id").as_string() == res.header("x-request-id"));
}

BOOST_AUTO_TEST_CASE(invalid_fields_are_a_400_naming_the_param) {
    gateway_fixture gw(zero_config);
    auto res = gw.chat(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":9})");
    BOOST_TEST(res.status == 400);
    BOOST_TEST(error_of(res).at("param").as_string() == "temperature");
}

BOOST_AUTO_TEST_CASE(oversize_body_is_a_413) {
    gateway_fixture gw("server: {max_body_bytes: 64KiB}\n");
    std::string big =
        R"({"model":"m","messages":[{"role":"user","content":")" + std::string(100'000, 'a') + "\"}]}";
    auto res = gw.chat(big);
    BOOST_TEST(res.status == 413);
    BOOST_TEST(error_of(res).at("code").as_string() == "payload_too_large");
}

BOOST_AUTO_TEST_CASE(oversize_header_block_is_a_431) {
    gateway_fixture gw("server: {max_header_bytes: 4KiB}\n");
    auto res = http_call(gw.port(), "GET", "/v1/models", "", {{"X-Padding", std::string(8000, 'p')}});
    BOOST_TEST(res.status == 431);
    BOOST_TEST(error_of(res).at("code").as_string() == "headers_too_large");
}

BOOST_AUTO_TEST_CASE(garbage_bytes_are_a_400_and_the_connection_closes) {
    gateway_fixture gw(zero_config);
    auto reply = raw_exchange(gw.port(), "HELLO THERE\r\n\r\n");
    BOOST_TEST(reply.rfind("HTTP/1.1 400", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_404_and_wrong_method_405) {
    gateway_fixture gw(zero_config);
    auto missing = gw.get("/v1/nothing");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(error_of(missing).at("code").as_string() == "not_found");
    BOOST_TEST(!missing.header("x-request-id").empty());
    auto wrong = http_call(gw.port(), "GET", "/v1/chat/completions");
    BOOST_TEST(wrong.status == 405);
    BOOST_TEST(wrong.header("allow") == "POST");
    BOOST_TEST(error_of(wrong).at("code").as_string() == "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(unsafe_request_ids_are_replaced) {
    gateway_fixture gw(zero_config);
    auto res = http_call(gw.port(), "GET", "/api/health", "", {{"X-Request-Id", "bad id\twith spaces"}});
    BOOST_TEST(res.status == 200);
    BOOST_TEST(res.header("x-request-id") != "bad id\twith spaces");
    BOOST_TEST(res.header("x-request-id").size() == 32u);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
    gateway_fixture gw(zero_config);
    std::string const one = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string const last = "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    auto reply = raw_exchange(gw.port(), one + one + last);
    std::size_t count = 0;
    for (auto pos = reply.find("HTTP/1.1 200"); pos != std::string::npos;
         pos = reply.find("HTTP/1.1 200", pos + 1))
        ++count;
    BOOST_TEST(count == 3u);
}

BOOST_AUTO_TEST_CASE(a_client_that_stalls_mid_header_is_disconnected) {
    gateway_fixture gw("server: {header_timeout: 200ms}\n");
    auto const start = std::chrono::steady_clock::now();
    auto reply = raw_exchange(gw.port(), "GET /api/health HTTP/1.1\r\nHost: x\r\n", std::chrono::seconds(5));
    auto const took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(reply.empty());                  // closed without a response
    BOOST_TEST(took < std::chrono::seconds(4)); // by the server, not by our 5 s limit
}

BOOST_AUTO_TEST_CASE(an_idle_keep_alive_connection_is_closed) {
    gateway_fixture gw("server: {idle_timeout: 200ms}\n");
    auto const start = std::chrono::steady_clock::now();
    auto reply =
        raw_exchange(gw.port(), "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(5));
    auto const took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(reply.rfind("HTTP/1.1 200", 0) == 0u); // answered, then closed when idle
    BOOST_TEST(took < std::chrono::seconds(4));
}

BOOST_AUTO_TEST_CASE(model_not_found_is_a_404) {
    mock_upstream up;
    gateway_fixture gw("providers:\n  p: {kind: openai, base_url: \"" + up.base_url() +
                       "\", api_key: k-000000000001}\n");
    auto res = gw.chat(chat_body("unknown-model"));
    BOOST_TEST(res.status == 404);
    BOOST_TEST(error_of(res).at("code").as_string() == "model_not_found");
    BOOST_TEST(error_of(res).at("param").as_string() == "model");
}

BOOST_AUTO_TEST_CASE(shutdown_lets_in_flight_requests_finish) {
    mock_upstream up;
    auto slow = canned_reply::json(
        200, R"({"choices":[{"index":0,"message":{"role":"assistant","content":"late"}}]})");
    slow.delay = std::chrono::milliseconds(300);
    up.always(slow);
    auto gw = std::make_unique<gateway_fixture>("providers:\n  p: {kind: openai, base_url: \"" +
                                                up.base_url() + "\", api_key: k-000000000001}\n");
    auto const port = gw->port();
    auto pending = std::async(std::launch::async, [&] { return gw->chat(chat_body("p/m")); });
    while (up.hits() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1)); // request is upstream
    gw->runtime().shutdown();
    auto res = pending.get();
    BOOST_TEST(res.status == 200);
    BOOST_TEST(res.header("connection") == "close");
    BOOST_TEST(http_call(port, "GET", "/api/health", "", {}, std::chrono::milliseconds(500)).status == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_hardening)

// Request smuggling shapes: each is a 400 and the connection is closed (nothing after it on the
// same connection is read as a second request).
BOOST_AUTO_TEST_CASE(smuggling_shapes_are_a_400_and_close_the_connection) {
    gateway_fixture gw("");
    std::string const body = R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}]})";
    auto const cl = std::to_string(body.size());
    std::string const start = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n";
    std::string const smuggled = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<std::pair<std::string, std::string>> const shapes{
        {"Content-Length with Transfer-Encoding",
         start + "Content-Length: " + cl + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
        {"conflicting Content-Lengths", start + "Content-Length: " + cl + "\r\nContent-Length: 5\r\n\r\n" + body},
        {"Transfer-Encoding not ending in chunked", start + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"},
        {"Transfer-Encoding: identity", start + "Transfer-Encoding: identity\r\n\r\n" + smuggled},
        {"bare LF", "POST /v1/chat/completions HTTP/1.1\nHost: x\nContent-Length: " + cl + "\n\n" + body},
        {"obs-fold", start + "X-Note: a\r\n b\r\nContent-Length: " + cl + "\r\n\r\n" + body},
    };
    for (auto const& [name, raw] : shapes) {
        auto const reply = raw_exchange(gw.port(), raw, std::chrono::seconds(3));
        BOOST_TEST(reply.rfind("HTTP/1.1 400", 0) == 0u, name << ": " << reply.substr(0, 40));
        BOOST_TEST(reply.find("Connection: close") != std::string::npos, name);
        BOOST_TEST(reply.find("HTTP/1.1 200") == std::string::npos, name << ": a second response was served");
    }
}

BOOST_AUTO_TEST_CASE(every_response_carries_the_security_headers) {
    gateway_fixture gw("");
    for (auto const& res : {gw.get("/api/health"), gw.get("/nope"), gw.chat("{")}) {
        BOOST_TEST(res.header("x-content-type-options") == "nosniff");
        BOOST_TEST(res.header("x-frame-options") == "DENY");
        BOOST_TEST(res.header("referrer-policy") == "no-referrer");
        BOOST_TEST(res.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'");
    }
    auto const malformed = raw_exchange(gw.port(), "HELLO THERE\r\n\r\n");
    BOOST_TEST(malformed.find("x-content-type-options: nosniff") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cors_preflight_is_allowed_for_listed_origins_and_denied_for_others) {
    gateway_fixture gw("server: {cors: {allow_origins: [\"https://app.example.com\"], max_age: 10m}}\n");
    auto preflight = [&](std::string const& origin, std::string const& method) {
        return http_call(gw.port(), "OPTIONS", "/v1/chat/completions", {},
                         {{"Origin", origin},
                          {"Access-Control-Request-Method", method},
                          {"Access-Control-Request-Headers", "authorization, content-type, x-stainless-os"}});
    };
    auto ok = preflight("https://app.example.com", "POST");
    BOOST_TEST(ok.status == 204);
    BOOST_TEST(ok.header("access-control-allow-origin") == "https://app.example.com");
    BOOST_TEST(ok.header("access-control-allow-methods") == "GET, POST, OPTIONS");
    BOOST_TEST(ok.header("access-control-allow-headers") == "authorization, content-type, x-stainless-os");
    BOOST_TEST(ok.header("access-control-max-age") == "600");
    BOOST_TEST(ok.header("vary") == "Origin");

    auto denied = preflight("https://evil.example", "POST");
    BOOST_TEST(denied.status == 403);
    BOOST_TEST(denied.header("access-control-allow-origin").empty());
    BOOST_TEST(denied.body.find("\"code\":\"forbidden\"") != std::string::npos);
    BOOST_TEST(preflight("https://app.example.com", "DELETE").status == 403);

    // Actual requests: the allowed origin may read the answer and the headers that explain it.
    auto allowed = gw.chat(chat_body("mock-1"), {{"Origin", "https://app.example.com"}});
    BOOST_TEST(allowed.status == 200);
    BOOST_TEST(allowed.header("access-control-allow-origin") == "https://app.example.com");
    BOOST_TEST(allowed.header("access-control-expose-headers").find("x-request-id") != std::string::npos);
    auto other = gw.chat(chat_body("mock-1"), {{"Origin", "https://evil.example"}});
    BOOST_TEST(other.header("access-control-allow-origin").empty());
}

BOOST_AUTO_TEST_CASE(without_an_allow_list_no_origin_gets_cors_access) {
    gateway_fixture gw("");
    auto res = http_call(gw.port(), "OPTIONS", "/v1/models", {},
                         {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "GET"}});
    BOOST_TEST(res.status == 403);
    BOOST_TEST(gw.get("/v1/models").header("access-control-allow-origin").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(versioned_api)

BOOST_AUTO_TEST_CASE(legacy_unversioned_paths_work_and_say_they_are_deprecated) {
    gateway_fixture gw("server: {docs_url: \"https://docs.example.com/api#versioning\"}\n");
    auto chat = gw.post("/api/chat", chat_body("mock-1"));
    BOOST_TEST(chat.status == 200);
    BOOST_TEST(chat.body.find("chat.completion") != std::string::npos);
    auto embed = gw.post("/api/embeddings", R"({"model":"mock-1","input":"hi"})");
    BOOST_TEST(embed.status == 200);
    auto health = gw.get("/api/health");
    BOOST_TEST(health.status == 200);
    for (auto const& res : {chat, embed, health}) {
        BOOST_TEST(res.header("deprecation") == "@1795219200");
        BOOST_TEST(res.header("sunset") == "Mon, 31 May 2027 00:00:00 GMT");
        BOOST_TEST(res.header("link").find("rel=\"successor-version\"") != std::string::npos);
        BOOST_TEST(res.header("link").find("<https://docs.example.com/api#versioning>; rel=\"deprecation\"") !=
                   std::string::npos);
    }
    BOOST_TEST(chat.header("link").find("</v1/chat/completions>") == 0u);
    // The versioned paths are not deprecated.
    BOOST_TEST(gw.get("/api/v1/health").header("deprecation").empty());
    BOOST_TEST(gw.chat(chat_body("mock-1")).header("deprecation").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(health_and_readiness)

BOOST_AUTO_TEST_CASE(ready_while_serving_and_not_ready_while_draining) {
    gateway_fixture gw("server: {ready_drain_delay: 400ms}\n");
    BOOST_TEST(gw.get("/api/ready").status == 200);
    auto const port = gw.port();
    std::thread stopper([&] { gw.runtime().shutdown(); });
    int seen = 0;
    for (int i = 0; i < 40 && seen != 503; ++i) {
        seen = http_call(port, "GET", "/api/ready", {}, {}, std::chrono::milliseconds(200)).status;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    BOOST_TEST(seen == 503);
    BOOST_TEST(http_call(port, "GET", "/api/health", {}, {}, std::chrono::milliseconds(200)).status == 200);
    stopper.join();
    BOOST_TEST(http_call(port, "GET", "/api/ready", {}, {}, std::chrono::milliseconds(200)).status == 0);
}

BOOST_AUTO_TEST_CASE(detailed_health_is_503_when_no_deployment_can_serve) {
    mock_upstream up;
    up.always(canned_reply::json(500, R"({"error":{"message":"down"}})"));
    gateway_fixture gw("resilience: {retry: {max_attempts: 1}, breaker: {failure_threshold: 2, open_for: 60s}}\n"
                       "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-000000000001}\nmodels:\n  chat: [p/m]\n");
    auto healthy = gw.get("/api/health/detailed");
    BOOST_TEST(healthy.status == 200);
    auto body = boost::json::parse(healthy.body);
    BOOST_TEST(body.at("status") == "ok");
    BOOST_TEST(body.at("deployments").as_array().at(0).at("deployment") == "p/m");
    BOOST_TEST(body.at("deployments").as_array().at(0).at("state") == "closed");
    BOOST_TEST(body.at("store").at("kind") == "memory");

    for (int i = 0; i < 2; ++i) gw.chat(chat_body("chat")); // two failures open the breaker
    auto down = gw.get("/api/health/detailed");
    BOOST_TEST(down.status == 503);
    body = boost::json::parse(down.body);
    BOOST_TEST(body.at("status") == "unavailable");
    BOOST_TEST(body.at("deployments").as_array().at(0).at("state") == "open");
    BOOST_TEST(body.at("deployments").as_array().at(0).at("available") == false);
    BOOST_TEST(gw.get("/api/health").status == 200); // liveness does not depend on providers
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(error_languages)

BOOST_AUTO_TEST_CASE(errors_speak_french_when_asked_and_keep_code_type_and_param) {
    gateway_fixture gw("limits:\n  - {per: ip, requests: 1, window: 1m}\n");
    std::string const bad = R"({"model":"mock-1","messages":[{"role":"wizard","content":"x"}]})";
    auto en = gw.chat(bad, {{"Accept-Language", "en-US,en;q=0.9"}});
    auto fr = gw.chat(bad, {{"Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5"}});
    BOOST_TEST(en.status == 400);
    BOOST_TEST(fr.status == 429); // the limit of 1 was spent by the first call
    auto const fr_body = boost::json::parse(fr.body).at("error");
    BOOST_TEST(fr_body.at("code") == "rate_limit_exceeded");
    BOOST_TEST(fr_body.at("message") == "Limite de débit atteinte ; réessayez après le délai indiqué par Retry-After.");
    BOOST_TEST(fr.header("content-language") == "fr");
    auto const en_body = boost::json::parse(en.body).at("error");
    BOOST_TEST(en_body.at("code") == "invalid_request");
    BOOST_TEST(en_body.at("param") == "messages[0].role");
    BOOST_TEST(std::string(en_body.at("message").as_string()).find("role") != std::string::npos);
    BOOST_TEST(en.header("content-language").empty());
}

BOOST_AUTO_TEST_CASE(a_validation_error_in_french_names_its_parameter) {
    gateway_fixture gw("");
    auto fr = gw.chat(R"({"model":"mock-1","messages":[{"role":"wizard","content":"x"}]})",
                      {{"Accept-Language", "fr"}});
    BOOST_TEST(fr.status == 400);
    auto const body = boost::json::parse(fr.body);
    BOOST_TEST(body.at("error").at("message") == "La requête est invalide (paramètre « messages[0].role »).");
    BOOST_TEST(body.at("error").at("param") == "messages[0].role");
    BOOST_TEST(body.at("request_id").is_string());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(admin_endpoints)

BOOST_AUTO_TEST_CASE(stats_providers_and_config_need_the_admin_key_and_mask_secrets) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body()));
    gateway_fixture gw("admin: {api_key: \"adm-0123456789abcdef\"}\n"
                       "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: sk-upstream-secret-0123456789}\n  mock: {kind: mock}\n"
                       "models:\n  chat: [p/m, mock/mock-1]\n");
    for (int i = 0; i < 3; ++i) BOOST_TEST(gw.chat(chat_body("chat")).status == 200);
    std::vector<std::pair<std::string, std::string>> const admin{{"Authorization", "Bearer adm-0123456789abcdef"}};
    auto get = [&](std::string const& path, std::vector<std::pair<std::string, std::string>> const& h) {
        return http_call(gw.port(), "GET", path, {}, h);
    };
    for (auto const* path : {"/api/v1/stats", "/api/v1/providers", "/api/v1/config", "/api/stats"}) {
        BOOST_TEST(get(path, {}).status == 401, path);
        BOOST_TEST(get(path, {{"Authorization", "Bearer adm-wrong"}}).status == 401, path);
        BOOST_TEST(get(path, admin).status == 200, path);
    }
    auto stats = boost::json::parse(get("/api/v1/stats", admin).body);
    BOOST_TEST(stats.at("llm_routing").at("total_requests").as_int64() == 3);
    BOOST_TEST(stats.at("llm_routing").at("distribution").at("p").at("count").as_int64() == 3);
    BOOST_TEST(stats.at("llm_routing").at("distribution").at("p").at("percentage").as_double() == 100.0);
    BOOST_TEST(stats.at("cache").at("hit_rate").as_double() == 0.0);
    BOOST_TEST(get("/api/stats", admin).header("deprecation") == "@1795219200");

    auto providers = boost::json::parse(get("/api/v1/providers", admin).body);
    BOOST_TEST(providers.at("data").as_array().size() == 2u);

    auto const config = get("/api/v1/config", admin).body;
    BOOST_TEST(config.find("sk-upstream-secret") == std::string::npos);
    BOOST_TEST(config.find("0123456789abcdef") == std::string::npos);
    BOOST_TEST(config.find("\"providers\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_an_admin_key_the_admin_endpoints_are_disabled) {
    gateway_fixture gw("");
    auto res = gw.get("/api/v1/config");
    BOOST_TEST(res.status == 403);
    BOOST_TEST(res.body.find("SWITCHBOARD_ADMIN_KEY") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
