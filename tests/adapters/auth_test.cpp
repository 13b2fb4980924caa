// Who calls, end to end over HTTP: API keys declared in the config (their hashes), the tenant
// taken from the key, X-Tenant-Id honoured only for a key that may act for it, scopes and models,
// 401 with a Bearer challenge and 403, failed authentications limited per address, and no secret
// anywhere it could leak.
#include "gateway_fixture.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/test_client.hpp"

#include "adapters/auth/key_ring.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string const secret = "adapter-test-secret-0123456789";
using headers = std::vector<std::pair<std::string, std::string>>;

headers bearer(std::string const& key, headers more = {}) {
    more.emplace_back("Authorization", "Bearer " + key);
    return more;
}

// A gateway with four keys over one mock upstream: acme (every call scope), acme limited to the
// model "chat" and embeddings only, acme's admin, and a partner key that may act for beta.
struct keyed_gateway {
    mock_upstream up;
    adapters::minted_key acme = adapters::key_ring::mint(secret);
    adapters::minted_key embed_only = adapters::key_ring::mint(secret);
    adapters::minted_key admin = adapters::key_ring::mint(secret);
    adapters::minted_key partner = adapters::key_ring::mint(secret);
    adapters::minted_key expired = adapters::key_ring::mint(secret);
    std::unique_ptr<gateway_fixture> gw;

    explicit keyed_gateway(std::string const& extra = "") {
        up.always(canned_reply::json(200, completion_body()));
        auto entry = [](adapters::minted_key const& k, std::string const& rest) {
            return "    - {id: " + k.id + ", hash: " + k.secret_hash + ", " + rest + "}\n";
        };
        gw = std::make_unique<gateway_fixture>(
            extra + "auth:\n  secret: " + secret + "\n  keys:\n" + entry(acme, "tenant: acme, name: acme web") +
            entry(embed_only, "tenant: acme, scopes: [embeddings], models: [chat]") +
            entry(admin, "tenant: ops, scopes: [admin]") +
            entry(partner, "tenant: acme, acts_for: [beta]") + entry(expired, "tenant: acme, expires: 2020-01-01") +
            "quotas: {tenants: {acme: {requests_per_day: 100}, beta: {requests_per_day: 100}}}\n"
            "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
            "\", api_key: k-upstream-000001}\nmodels:\n  chat: [p/m]\n  other: [p/m]\n");
    }
    client_response chat(std::string const& key, headers more = {}, std::string const& model = "chat") {
        return gw->chat(chat_body(model), key.empty() ? more : bearer(key, std::move(more)));
    }
    client_response get(std::string const& target, std::string const& key) {
        return http_call(gw->port(), "GET", target, "", bearer(key));
    }
    std::int64_t requests_today(std::string const& tenant) {
        auto const report = json::parse(get("/api/v1/quotas", admin.text).body);
        for (auto const& t : report.at("tenants").as_array())
            if (t.at("name").as_string() == tenant) return t.at("day").at("requests").at("used").as_int64();
        return -1;
    }
};

std::string code_of(client_response const& r) {
    return std::string(json::parse(r.body).at("error").at("code").as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(a_key_hash_is_hmac_sha256_of_its_secret) {
    // RFC 4231, test case 2; twice, and under another key between: the per-thread keyed context
    // follows the secret it is asked for.
    auto const expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    BOOST_TEST(adapters::key_ring::hash_secret("Jefe", "what do ya want for nothing?") == expected);
    BOOST_TEST(adapters::key_ring::hash_secret("other", "what do ya want for nothing?") != expected);
    BOOST_TEST(adapters::key_ring::hash_secret("Jefe", "what do ya want for nothing?") == expected);
}

BOOST_AUTO_TEST_CASE(without_keys_the_gateway_is_open_and_says_so) {
    gateway_fixture gw("");
    BOOST_TEST(json::parse(gw.get("/api/v1/health").body).at("auth").as_string() == "off");
    BOOST_TEST(gw.chat(chat_body("mock-1")).status == 200);
}

BOOST_AUTO_TEST_CASE(a_call_without_a_key_or_with_a_bad_one_is_401_and_reaches_no_provider) {
    keyed_gateway g;
    auto missing = g.chat("");
    BOOST_TEST(missing.status == 401);
    BOOST_TEST(code_of(missing) == "unauthorized");
    BOOST_TEST(missing.header("www-authenticate") == R"(Bearer realm="switchboard")");
    std::string wrong_secret = g.acme.text;
    wrong_secret.back() = wrong_secret.back() == 'a' ? 'b' : 'a';
    for (auto const& bad : {wrong_secret, std::string("sb-zzzzzzzzzzzz_") + std::string(40, 'a'), std::string("sk-x")}) {
        auto r = g.chat(bad);
        BOOST_TEST(r.status == 401);
        BOOST_TEST(r.header("www-authenticate") == R"(Bearer realm="switchboard", error="invalid_token")");
    }
    BOOST_TEST(g.chat(g.expired.text).status == 401);
    BOOST_TEST(g.up.hits() == 0u);
    BOOST_TEST(g.chat(g.acme.text).status == 200);
    BOOST_TEST(g.up.hits() == 1u);
    BOOST_TEST(json::parse(g.gw->get("/api/v1/health").body).at("auth").as_string() == "required");
}

BOOST_AUTO_TEST_CASE(a_forged_tenant_moves_no_usage_and_is_refused) {
    keyed_gateway g;
    BOOST_TEST(g.chat(g.acme.text).status == 200);
    auto forged = g.chat(g.acme.text, {{"X-Tenant-Id", "beta"}});
    BOOST_TEST(forged.status == 403);
    BOOST_TEST(code_of(forged) == "forbidden");
    BOOST_TEST(g.chat(g.acme.text, {{"X-Tenant-Id", "random-4711"}}).status == 403);
    BOOST_TEST(g.requests_today("acme") == 1);
    BOOST_TEST(g.requests_today("beta") == 0);
    BOOST_TEST(g.up.hits() == 1u);

    // A key that may act for beta moves beta's usage, not its own tenant's; never an unknown one.
    BOOST_TEST(g.chat(g.partner.text, {{"X-Tenant-Id", "beta"}}).status == 200);
    BOOST_TEST(g.requests_today("beta") == 1);
    BOOST_TEST(g.requests_today("acme") == 1);
    BOOST_TEST(g.chat(g.partner.text, {{"X-Tenant-Id", "gamma"}}).status == 403);
}

BOOST_AUTO_TEST_CASE(scopes_and_models_bound_what_a_key_may_call) {
    keyed_gateway g;
    auto no_scope = g.chat(g.embed_only.text);
    BOOST_TEST(no_scope.status == 403);
    BOOST_TEST(json::parse(no_scope.body).at("error").at("message").as_string().find("'chat'") != std::string::npos);
    auto other_model = g.gw->post("/v1/embeddings", R"({"model":"other","input":"x"})", bearer(g.embed_only.text));
    BOOST_TEST(other_model.status == 403);
    BOOST_TEST(json::parse(other_model.body).at("error").at("param").as_string() == "model");
    BOOST_TEST(g.up.hits() == 0u);
    BOOST_TEST(g.get("/api/v1/stats", g.acme.text).status == 403);  // admin only
    BOOST_TEST(g.get("/api/v1/stats", g.admin.text).status == 200); // a key with the admin scope
}

BOOST_AUTO_TEST_CASE(a_tenants_key_sees_its_own_quotas_and_admin_sees_all) {
    keyed_gateway g;
    auto own = json::parse(g.get("/api/v1/quotas", g.acme.text).body);
    BOOST_TEST_REQUIRE(own.at("tenants").as_array().size() == 1u);
    BOOST_TEST(own.at("tenants").at(0).at("name").as_string() == "acme");
    BOOST_TEST(own.at("providers").as_array().empty());
    auto all = json::parse(g.get("/api/v1/quotas", g.admin.text).body);
    BOOST_TEST(all.at("tenants").as_array().size() >= 2u);
    BOOST_TEST(g.gw->get("/api/v1/quotas").status == 401); // anonymous: nothing
    BOOST_TEST(g.gw->get("/api/health").status == 200);    // health stays open
}

BOOST_AUTO_TEST_CASE(failed_authentications_are_limited_per_address) {
    keyed_gateway g("");
    int refused = 0;
    for (int i = 0; i < 12; ++i) {
        auto r = g.chat("sk-guess-" + std::to_string(i));
        if (r.status == 429) ++refused;
        else BOOST_TEST(r.status == 401);
    }
    BOOST_TEST(refused == 2); // auth.failures_per_minute: 10 by default
}

BOOST_AUTO_TEST_CASE(no_key_secret_or_hash_shows_in_logs_errors_or_the_config_dump) {
    log_capture logs(adapters::log_level::debug);
    keyed_gateway g("admin: {api_key: admin-key-0123456789}\n");
    BOOST_TEST(g.chat(g.acme.text).status == 200);
    auto bad = g.chat(g.acme.text.substr(0, g.acme.text.size() - 1) + "Z");
    auto dump = g.get("/api/v1/config", g.admin.text).body;
    auto const text = logs.text() + bad.body + dump;
    auto const key_secret = g.acme.text.substr(g.acme.text.find('_') + 1);
    BOOST_TEST(text.find(key_secret) == std::string::npos);
    BOOST_TEST(text.find(g.acme.secret_hash) == std::string::npos);
    BOOST_TEST(text.find(secret) == std::string::npos);
    BOOST_TEST(text.find(g.acme.id) != std::string::npos); // the public id names the caller
}

// Access and refresh tokens are credentials too: neither shows in the logs (debug, every header),
// an error, the metrics or the config dump, whether it worked or not.
BOOST_AUTO_TEST_CASE(no_access_or_refresh_token_shows_in_logs_errors_or_metrics) {
    log_capture logs(adapters::log_level::debug);
    keyed_gateway g("admin: {api_key: admin-key-0123456789}\n");
    auto login = http_call(g.gw->port(), "POST", "/api/auth/login", "", bearer(g.acme.text));
    BOOST_TEST_REQUIRE(login.status == 200);
    auto const pair = json::parse(login.body);
    std::string const access(pair.at("access_token").as_string()), refresh(pair.at("refresh_token").as_string());
    BOOST_TEST(g.chat(access).status == 200);
    auto bad_access = g.chat(access.substr(0, access.size() - 2) + "xx");
    BOOST_TEST(bad_access.status == 401);
    auto const refresh_body = R"({"refresh_token":")" + refresh + R"("})";
    auto rotated = http_call(g.gw->port(), "POST", "/api/auth/refresh", refresh_body, {{"Content-Type", "application/json"}});
    BOOST_TEST(rotated.status == 200);
    auto reused = http_call(g.gw->port(), "POST", "/api/auth/refresh", refresh_body, {{"Content-Type", "application/json"}});
    BOOST_TEST(reused.status == 401);
    auto const next = json::parse(rotated.body);
    auto const text = logs.text() + bad_access.body + reused.body + g.get("/metrics", g.admin.text).body +
                      g.get("/api/v1/config", g.admin.text).body;
    auto const signature = access.substr(access.rfind('.') + 1);
    BOOST_TEST(text.find(signature) == std::string::npos);
    BOOST_TEST(text.find(refresh.substr(refresh.find('_') + 1)) == std::string::npos);
    std::string const next_refresh(next.at("refresh_token").as_string());
    BOOST_TEST(text.find(next_refresh.substr(next_refresh.find('_') + 1)) == std::string::npos);
    BOOST_TEST(text.find(std::string(next.at("access_token").as_string())) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
