// Tokens for browsers, end to end over HTTP: a key exchanged for a short-lived access token and
// a refresh token, scopes narrowed and never admin, refresh tokens rotated with reuse revoking
// the family, and a revoked key ending its tokens at once.
#include "gateway_fixture.hpp"
#include "tests/support/test_client.hpp"

#include "adapters/auth/key_ring.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string const secret = "browser-token-test-secret-0123456789";
std::string const admin_key = "admin-key-browser-0123456789";

struct token_gateway {
    adapters::minted_key acme = adapters::key_ring::mint(secret);
    adapters::minted_key ops = adapters::key_ring::mint(secret);
    gateway_fixture gw{"admin: {api_key: " + admin_key + "}\nauth:\n  secret: " + secret +
                       "\n  access_token_ttl: 5m\n  keys:\n    - {id: " + acme.id + ", hash: " + acme.secret_hash +
                       ", tenant: acme, models: [mock-1]}\n    - {id: " + ops.id + ", hash: " + ops.secret_hash +
                       ", tenant: ops, scopes: [chat, admin]}\n"
                       "quotas: {tenants: {acme: {requests_per_day: 100}, ops: {requests_per_day: 100}}}\n"};

    client_response post(std::string const& target, std::string const& body, std::string const& bearer = {}) {
        std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
        if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
        return http_call(gw.port(), "POST", target, body, h);
    }
    json::object login(std::string const& key, std::string const& body = "") {
        auto r = post("/api/auth/login", body, key);
        BOOST_TEST_REQUIRE(r.status == 200, r.body);
        BOOST_TEST(r.header("cache-control") == "no-store");
        return json::parse(r.body).as_object();
    }
    client_response refresh(std::string const& token) {
        return post("/api/auth/refresh", R"({"refresh_token":")" + token + R"("})");
    }
    int chat(std::string const& bearer, std::string const& model = "mock-1") {
        return post("/v1/chat/completions", chat_body(model), bearer).status;
    }
};

std::string text(json::object const& o, std::string_view k) {
    return std::string(o.at(k).as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(browser_tokens)

BOOST_AUTO_TEST_CASE(a_key_is_exchanged_for_an_access_token_that_carries_its_grant) {
    token_gateway g;
    auto pair = g.login(g.acme.text);
    BOOST_TEST(text(pair, "token_type") == "Bearer");
    BOOST_TEST(pair.at("expires_in").as_int64() == 300);
    auto const access = text(pair, "access_token");
    BOOST_TEST(access.find(g.acme.text.substr(g.acme.text.find('_') + 1)) == std::string::npos);
    BOOST_TEST(g.chat(access) == 200);
    BOOST_TEST(g.chat(access, "other") == 403); // the key's models hold for its tokens

    auto usage_only = g.login(g.acme.text, R"({"scopes":["usage"]})");
    BOOST_TEST(g.chat(text(usage_only, "access_token")) == 403);
    // An admin key's token is never an admin token.
    auto ops = g.login(g.ops.text);
    auto stats = http_call(g.gw.port(), "GET", "/api/v1/stats", {},
                           {{"Authorization", "Bearer " + text(ops, "access_token")}});
    BOOST_TEST(stats.status == 403);
    BOOST_TEST(g.chat(text(ops, "access_token")) == 200);
}

BOOST_AUTO_TEST_CASE(only_a_valid_key_logs_in) {
    token_gateway g;
    BOOST_TEST(g.post("/api/auth/login", "").status == 401);
    BOOST_TEST(g.post("/api/auth/login", "", g.acme.text + "x").status == 401);
    auto pair = g.login(g.acme.text);
    BOOST_TEST(g.post("/api/auth/login", "", text(pair, "access_token")).status == 401); // a token is not a key
    BOOST_TEST(g.post("/api/auth/login", R"({"scopes":["root"]})", g.acme.text).status == 400);
}

BOOST_AUTO_TEST_CASE(refresh_tokens_rotate_and_a_reused_one_revokes_its_family) {
    token_gateway g;
    auto first = g.login(g.acme.text);
    auto r1 = g.refresh(text(first, "refresh_token"));
    BOOST_TEST_REQUIRE(r1.status == 200);
    auto second = json::parse(r1.body).as_object();
    BOOST_TEST(text(second, "refresh_token") != text(first, "refresh_token"));
    BOOST_TEST(g.chat(text(second, "access_token")) == 200);
    auto r2 = g.refresh(text(second, "refresh_token"));
    BOOST_TEST_REQUIRE(r2.status == 200);
    auto third = json::parse(r2.body).as_object();

    // The first token again: stolen, or its thief's. The family is revoked for both holders.
    auto reused = g.refresh(text(first, "refresh_token"));
    BOOST_TEST(reused.status == 401);
    BOOST_TEST(reused.body.find("revoked") != std::string::npos);
    BOOST_TEST(g.refresh(text(third, "refresh_token")).status == 401);
    // Another login starts a family of its own.
    auto other = g.login(g.acme.text);
    BOOST_TEST(g.refresh(text(other, "refresh_token")).status == 200);
    BOOST_TEST(g.refresh("sbr-garbage").status == 401);
    BOOST_TEST(g.post("/api/auth/refresh", "{}").status == 400);
}

BOOST_AUTO_TEST_CASE(a_revoked_key_ends_its_tokens_at_once) {
    token_gateway g;
    auto made = g.post("/api/v1/keys", R"({"tenant":"acme"})", admin_key);
    BOOST_TEST_REQUIRE(made.status == 201);
    auto const key = json::parse(made.body).as_object();
    auto pair = g.login(text(key, "key"));
    BOOST_TEST(g.chat(text(pair, "access_token")) == 200);
    auto revoked = http_call(g.gw.port(), "DELETE", "/api/v1/keys/" + text(key, "id"), {},
                             {{"Authorization", "Bearer " + admin_key}});
    BOOST_TEST(revoked.status == 200);
    BOOST_TEST(g.chat(text(pair, "access_token")) == 401);
    BOOST_TEST(g.refresh(text(pair, "refresh_token")).status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
