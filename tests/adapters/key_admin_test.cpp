// The admin API of keys and tenants, end to end over HTTP on one instance (the memory store): a
// key made at run time opens the gateway at once with the grant it was given, pages of keys and
// tenants, updates, rotation with a grace period, revocation, the config's keys left alone, and
// no answer carrying a hash or (but once) a secret.
#include "gateway_fixture.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/test_client.hpp"

#include "adapters/auth/key_ring.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <future>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string const secret = "key-admin-test-secret-0123456789";
using headers = std::vector<std::pair<std::string, std::string>>;

headers bearer(std::string const& key) {
    return {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
}

// A gateway with one config key of the admin scope (ops) and one of acme, over a mock upstream.
struct admin_gateway {
    mock_upstream up;
    adapters::minted_key admin = adapters::key_ring::mint(secret);
    adapters::minted_key acme = adapters::key_ring::mint(secret);
    std::unique_ptr<gateway_fixture> gw;

    admin_gateway() {
        up.always(canned_reply::json(200, completion_body()));
        gw = std::make_unique<gateway_fixture>(
            "auth:\n  secret: " + secret + "\n  keys:\n    - {id: " + admin.id + ", hash: " + admin.secret_hash +
            ", tenant: ops, scopes: [admin]}\n    - {id: " + acme.id + ", hash: " + acme.secret_hash +
            ", tenant: acme}\nquotas: {tenants: {acme: {requests_per_day: 100}, beta: {requests_per_day: 100}}}\n"
            "pricing: {m: {input_per_million: 1000, output_per_million: 1000}}\n" // $0.001 a token
            "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
            "\", api_key: k-upstream-000001}\nmodels:\n  chat: [p/m]\n  other: [p/m]\n");
    }
    client_response call(std::string const& method, std::string const& target, std::string const& body = {},
                         std::string const& key = {}) {
        return http_call(gw->port(), method, target, body, bearer(key.empty() ? admin.text : key));
    }
    json::value made(std::string const& body) {
        auto r = call("POST", "/api/v1/keys", body);
        BOOST_TEST_REQUIRE(r.status == 201);
        return json::parse(r.body);
    }
    int chat(std::string const& key, std::string const& model = "chat", headers more = {}) {
        auto h = bearer(key);
        h.insert(h.end(), more.begin(), more.end());
        return gw->chat(chat_body(model), h).status;
    }
};

// A completion whose usage is `completion` tokens (and 3 of prompt).
std::string completion_using(int completion) {
    return R"({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":)"
           R"({"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,)"
           R"("completion_tokens":)" + std::to_string(completion) + R"(,"total_tokens":)" +
           std::to_string(completion + 3) + "}}";
}

std::string text(json::value const& v, std::string_view field) {
    return std::string(v.at(field).as_string());
}
std::string code_of(client_response const& r) {
    return std::string(json::parse(r.body).at("error").at("code").as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(key_admin)

BOOST_AUTO_TEST_CASE(a_key_made_through_the_api_opens_the_gateway_with_its_grant) {
    admin_gateway g;
    auto key = g.made(R"({"tenant":"acme","name":"acme web","models":["chat"],"metadata":{"team":"web"}})");
    auto const full = text(key, "key");
    BOOST_TEST(full.rfind("sb-" + text(key, "id") + "_", 0) == 0u);
    BOOST_TEST(text(key, "status") == "active");
    BOOST_TEST(text(key, "source") == "api");
    BOOST_TEST(key.at("metadata").at("team").as_string() == "web");
    BOOST_TEST(!key.as_object().contains("hash"));

    BOOST_TEST(g.chat(full) == 200);
    BOOST_TEST(g.chat(full, "other") == 403);                          // models: [chat]
    BOOST_TEST(g.chat(full, "chat", {{"X-Tenant-Id", "beta"}}) == 403); // no acts_for
    // The secret is shown once: reading the key back shows neither it nor its hash.
    auto again = g.call("GET", "/api/v1/keys/" + text(key, "id"));
    BOOST_TEST(again.status == 200);
    BOOST_TEST(again.body.find(full.substr(full.find('_') + 1)) == std::string::npos);
    BOOST_TEST(!json::parse(again.body).as_object().contains("key"));
}

BOOST_AUTO_TEST_CASE(keys_and_tenants_are_listed_a_page_at_a_time) {
    admin_gateway g;
    for (int i = 0; i < 5; ++i) g.made(R"({"tenant":"beta"})");
    std::vector<std::string> seen;
    std::string after;
    for (int page = 0; page < 10; ++page) {
        auto r = g.call("GET", "/api/v1/keys?tenant=beta&limit=2" + (after.empty() ? "" : "&after=" + after));
        BOOST_TEST_REQUIRE(r.status == 200);
        auto const list = json::parse(r.body);
        for (auto const& k : list.at("data").as_array()) seen.push_back(text(k, "id"));
        if (!list.at("has_more").as_bool()) break;
        after = text(list, "last_id");
    }
    BOOST_TEST(seen.size() == 5u);
    BOOST_TEST(std::is_sorted(seen.begin(), seen.end()));
    BOOST_TEST(g.call("GET", "/api/v1/keys?limit=0").status == 400);
    BOOST_TEST(g.call("GET", "/api/v1/keys?limit=1000").status == 400);

    auto tenants = json::parse(g.call("GET", "/api/v1/tenants").body);
    std::map<std::string, std::int64_t> keys_of;
    for (auto const& t : tenants.at("data").as_array()) keys_of[text(t, "id")] = t.at("active_keys").as_int64();
    BOOST_TEST(keys_of["beta"] == 5);
    BOOST_TEST(keys_of["acme"] == 1);
    BOOST_TEST(keys_of["ops"] == 1);
    auto acme = g.call("GET", "/api/v1/tenants/acme");
    BOOST_TEST(acme.status == 200);
    BOOST_TEST(json::parse(acme.body).at("quotas").at(0).at("name").as_string() == "acme");
    BOOST_TEST(g.call("GET", "/api/v1/tenants/nobody").status == 404);
}

BOOST_AUTO_TEST_CASE(an_update_changes_the_grant_at_once_and_the_tenant_never) {
    admin_gateway g;
    auto key = g.made(R"({"tenant":"acme"})");
    auto const id = text(key, "id"), full = text(key, "key");
    BOOST_TEST(g.chat(full, "other") == 200);
    auto r = g.call("PATCH", "/api/v1/keys/" + id, R"({"models":["chat"],"name":"renamed"})");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(text(json::parse(r.body), "name") == "renamed");
    BOOST_TEST(g.chat(full, "other") == 403);
    BOOST_TEST(g.chat(full, "chat") == 200);
    auto moved = g.call("PATCH", "/api/v1/keys/" + id, R"({"tenant":"beta"})");
    BOOST_TEST(moved.status == 400);
    BOOST_TEST(json::parse(moved.body).at("error").at("param").as_string() == "tenant");
    auto scopes = g.call("PATCH", "/api/v1/keys/" + id, R"({"scopes":["chat","root"]})");
    BOOST_TEST(scopes.status == 400);
    BOOST_TEST(json::parse(scopes.body).at("error").at("param").as_string() == "scopes[1]");
    auto typo = g.call("PATCH", "/api/v1/keys/" + id, R"({"modles":["chat"]})");
    BOOST_TEST(typo.status == 400);
    BOOST_TEST(g.call("PATCH", "/api/v1/keys/" + id, "{").status == 400);
    BOOST_TEST(g.call("PATCH", "/api/v1/keys/zzzzzzzzzzzz", "{}").status == 404);
    auto expired = g.call("PATCH", "/api/v1/keys/" + id, R"({"expires":"2020-01-01"})");
    BOOST_TEST(text(json::parse(expired.body), "status") == "expired");
    BOOST_TEST(g.chat(full) == 401);
}

BOOST_AUTO_TEST_CASE(a_rotated_key_keeps_its_old_secret_for_the_grace_period_only) {
    admin_gateway g;
    auto key = g.made(R"({"tenant":"acme"})");
    auto const id = text(key, "id"), old_text = text(key, "key");
    auto r = g.call("POST", "/api/v1/keys/" + id + "/rotate", R"({"grace_seconds":600})");
    BOOST_TEST_REQUIRE(r.status == 200);
    auto const rotated = json::parse(r.body);
    auto const new_text = text(rotated, "key");
    BOOST_TEST(new_text != old_text);
    BOOST_TEST(text(rotated, "id") == id); // same key, same tenant and history
    BOOST_TEST(rotated.at("previous_secret_valid_until").is_int64());
    BOOST_TEST(g.chat(new_text) == 200);
    BOOST_TEST(g.chat(old_text) == 200);

    auto now = g.call("POST", "/api/v1/keys/" + id + "/rotate", R"({"grace_seconds":0})");
    auto const newest = text(json::parse(now.body), "key");
    BOOST_TEST(g.chat(newest) == 200);
    BOOST_TEST(g.chat(new_text) == 401);
    BOOST_TEST(g.chat(old_text) == 401);
    BOOST_TEST(g.call("POST", "/api/v1/keys/" + id + "/rotate", R"({"grace_seconds":-1})").status == 400);
}

BOOST_AUTO_TEST_CASE(a_revoked_key_is_refused_and_stays_revoked) {
    admin_gateway g;
    auto key = g.made(R"({"tenant":"acme"})");
    auto const id = text(key, "id"), full = text(key, "key");
    BOOST_TEST(g.chat(full) == 200);
    auto r = g.call("DELETE", "/api/v1/keys/" + id);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(text(json::parse(r.body), "status") == "revoked");
    BOOST_TEST(g.chat(full) == 401);
    BOOST_TEST(g.call("DELETE", "/api/v1/keys/" + id).status == 200); // twice is once
    auto update = g.call("PATCH", "/api/v1/keys/" + id, R"({"name":"back"})");
    BOOST_TEST(update.status == 409);
    BOOST_TEST(code_of(update) == "conflict");
    BOOST_TEST(g.call("POST", "/api/v1/keys/" + id + "/rotate").status == 409);
    BOOST_TEST(g.chat(full) == 401);
    // The config's keys are the config's: the API may read them, not change them.
    BOOST_TEST(g.call("GET", "/api/v1/keys/" + g.acme.id).status == 200);
    BOOST_TEST(g.call("DELETE", "/api/v1/keys/" + g.acme.id).status == 409);
    BOOST_TEST(g.chat(g.acme.text) == 200);
}

BOOST_AUTO_TEST_CASE(only_admin_may_manage_keys_and_no_answer_or_log_shows_a_hash) {
    log_capture logs(adapters::log_level::debug);
    admin_gateway g;
    auto r = g.call("POST", "/api/v1/keys", R"({"tenant":"acme"})", g.acme.text);
    BOOST_TEST(r.status == 403);
    BOOST_TEST(http_call(g.gw->port(), "GET", "/api/v1/keys").status == 401);
    BOOST_TEST(g.call("GET", "/api/v1/tenants", {}, g.acme.text).status == 403);
    auto key = g.made(R"({"tenant":"acme"})");
    auto const full = text(key, "key");
    auto const list = g.call("GET", "/api/v1/keys").body;
    auto const dump = g.call("GET", "/api/v1/config").body; // its keys show "hash": "****"
    BOOST_TEST((list + dump).find(g.acme.secret_hash) == std::string::npos);
    BOOST_TEST(list.find("hash") == std::string::npos);
    BOOST_TEST(g.chat(full) == 200);
    auto const secret_part = full.substr(full.find('_') + 1);
    BOOST_TEST(logs.text().find(secret_part) == std::string::npos);
    BOOST_TEST(logs.text().find(text(key, "id")) != std::string::npos);
    auto missing = g.call("POST", "/api/v1/keys", R"({"name":"no tenant"})");
    BOOST_TEST(missing.status == 400);
    BOOST_TEST(json::parse(missing.body).at("error").at("param").as_string() == "tenant");
    auto allow = g.call("PUT", "/api/v1/keys/" + text(key, "id"));
    BOOST_TEST(allow.status == 405);
    BOOST_TEST(allow.header("allow") == "GET, PATCH, DELETE");
}

BOOST_AUTO_TEST_CASE(a_keys_own_request_limit_holds_for_it_alone_and_can_be_changed) {
    admin_gateway g;
    auto limited = g.made(R"({"tenant":"acme","requests_per_minute":3})");
    auto other = g.made(R"({"tenant":"acme"})");
    BOOST_TEST(limited.at("requests_per_minute").as_int64() == 3);
    for (int i = 0; i < 3; ++i) BOOST_TEST(g.chat(text(limited, "key")) == 200);
    auto refused = g.gw->chat(chat_body("chat"), bearer(text(limited, "key")));
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(code_of(refused) == "rate_limit_exceeded");
    BOOST_TEST(!refused.header("retry-after").empty());
    BOOST_TEST(g.chat(text(other, "key")) == 200); // another key of the tenant is not limited by it
    BOOST_TEST(g.up.hits() == 4u);
    auto lifted = g.call("PATCH", "/api/v1/keys/" + text(limited, "id"), R"({"requests_per_minute":null})");
    BOOST_TEST(lifted.status == 200);
    BOOST_TEST(g.chat(text(limited, "key")) == 200);
    BOOST_TEST(g.call("PATCH", "/api/v1/keys/" + text(limited, "id"), R"({"requests_per_minute":-1})").status == 400);
}

BOOST_AUTO_TEST_CASE(a_keys_limits_and_budgets_are_set_shown_changed_and_checked) {
    admin_gateway g;
    auto key = g.made(R"({"tenant":"acme","tokens_per_minute":600,"max_concurrent":2,"tokens_per_day":5000,)"
                      R"("usd_per_day":0.27,"usd_per_month":10.5})");
    BOOST_TEST(key.at("tokens_per_minute").as_int64() == 600);
    BOOST_TEST(key.at("max_concurrent").as_int64() == 2);
    BOOST_TEST(key.at("usd_per_day").as_double() == 0.27);
    BOOST_TEST(key.at("usd_per_month").as_double() == 10.5);
    BOOST_TEST(key.at("requests_per_day").is_null());
    auto const id = text(key, "id");
    auto bad = g.call("PATCH", "/api/v1/keys/" + id, R"({"usd_per_day":"ten"})");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json::parse(bad.body).at("error").at("param").as_string() == "usd_per_day");
    BOOST_TEST(g.call("PATCH", "/api/v1/keys/" + id, R"({"max_concurrent":1.5})").status == 400);
    BOOST_TEST(g.call("PATCH", "/api/v1/keys/" + id, R"({"tokens_per_day":-1})").status == 400);
    auto changed = g.call("PATCH", "/api/v1/keys/" + id, R"({"tokens_per_day":null,"usd_per_month":20})");
    BOOST_TEST(changed.status == 200);
    BOOST_TEST(json::parse(changed.body).at("tokens_per_day").is_null());
    BOOST_TEST(json::parse(changed.body).at("usd_per_month").as_double() == 20.0);
}

// $0.27 a day at $0.001 a token: a call reserves what its estimate (prompt + 256 tokens when
// max_tokens is not set) would cost, and pays what it used (5 tokens). The third call's estimate
// does not fit what is left; a smaller max_tokens does.
BOOST_AUTO_TEST_CASE(a_keys_dollar_budget_reserves_the_estimate_and_charges_the_usage) {
    admin_gateway g;
    auto key = g.made(R"({"tenant":"acme","usd_per_day":0.27})");
    auto const secret_key = text(key, "key");
    BOOST_TEST(g.chat(secret_key) == 200);
    BOOST_TEST(g.chat(secret_key) == 200);
    auto refused = g.gw->chat(chat_body("chat"), bearer(secret_key));
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(code_of(refused) == "quota_exceeded");
    BOOST_TEST(!refused.header("retry-after").empty());
    auto const message = std::string(json::parse(refused.body).at("error").at("message").as_string());
    BOOST_TEST(message.find("usd_per_day quota of API key '" + text(key, "id") + "' has $0.260000 left") !=
                   std::string::npos, message);
    BOOST_TEST(g.up.hits() == 2u); // refused before any upstream call
    auto small = g.gw->chat(R"({"model":"chat","max_tokens":10,"messages":[{"role":"user","content":"Hello"}]})",
                            bearer(secret_key));
    BOOST_TEST(small.status == 200);
    auto view = json::parse(g.call("GET", "/api/v1/keys/" + text(key, "id")).body);
    BOOST_TEST(view.at("budget_usage").at("day").at("usd").at("used").as_double() == 0.015,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(view.at("budget_usage").at("day").at("usd").at("reserved").as_double() == 0.0);
    BOOST_TEST(g.chat(text(g.made(R"({"tenant":"acme"})"), "key")) == 200); // the tenant's other keys are not held
}

// 600 tokens a minute, each call using 300 (its estimate ~262): two calls spend the minute; the
// third waits for it; unused tokens of a call would have come back at once.
BOOST_AUTO_TEST_CASE(a_keys_tokens_per_minute_count_what_its_calls_used) {
    admin_gateway g;
    g.up.always(canned_reply::json(200, completion_using(297)));
    auto key = text(g.made(R"({"tenant":"acme","tokens_per_minute":600})"), "key");
    BOOST_TEST(g.chat(key) == 200);
    BOOST_TEST(g.chat(key) == 200);
    auto refused = g.gw->chat(chat_body("chat"), bearer(key));
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(code_of(refused) == "rate_limit_exceeded");
    auto const wait = std::stoi(refused.header("retry-after"));
    BOOST_TEST((wait >= 20 && wait <= 30), wait); // ~262 tokens at 10 a second
    auto never = g.gw->chat(R"({"model":"chat","max_tokens":700,"messages":[{"role":"user","content":"Hi"}]})",
                            bearer(key));
    BOOST_TEST(never.status == 429);
    BOOST_TEST(std::string(json::parse(never.body).at("error").at("message").as_string()).find("lower max_tokens") !=
               std::string::npos);
    BOOST_TEST(g.up.hits() == 2u);
}

// One call in flight at most: a second one while the first waits on a slow upstream is refused
// at once; when the first ends, the key may call again.
BOOST_AUTO_TEST_CASE(a_keys_cap_on_calls_in_flight_frees_its_slot_when_a_call_ends) {
    admin_gateway g;
    auto slow = canned_reply::json(200, completion_body());
    slow.delay = std::chrono::milliseconds(700);
    g.up.always(slow);
    auto key = text(g.made(R"({"tenant":"acme","max_concurrent":1})"), "key");
    auto first = std::async(std::launch::async, [&] { return g.chat(key); });
    BOOST_TEST_REQUIRE(eventually([&] { return g.up.hits() == 1u; }));
    auto busy = g.gw->chat(chat_body("chat"), bearer(key));
    BOOST_TEST(busy.status == 429);
    BOOST_TEST(code_of(busy) == "rate_limit_exceeded");
    BOOST_TEST(busy.header("retry-after") == "1");
    BOOST_TEST(first.get() == 200);
    BOOST_TEST(g.chat(key) == 200); // the slot was freed before the first answer was sent
    BOOST_TEST(g.up.hits() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
