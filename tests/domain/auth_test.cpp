// API key shapes and the decisions on a caller's grant: expiry, scopes, models, and the tenant a
// call acts for (the forgery rules).
#include "domain/auth/api_key.hpp"
#include "domain/auth/grant.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace {
std::string const secret(40, 'Q');
std::string key(std::string const& id, std::string const& s = secret) {
    return "sb-" + id + "_" + s;
}
caller_grant acme() {
    caller_grant g;
    g.key_id = "k7f3q9x2m4ab";
    g.tenant = "acme";
    return g;
}
std::set<std::string, std::less<>> const known{"acme", "beta", "gamma"};
} // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(a_key_is_read_into_its_public_id_and_its_secret) {
    std::string const text = key("k7f3q9x2m4ab"); // the parts view into it
    auto parts = parse_api_key(text);
    BOOST_TEST_REQUIRE(parts.has_value());
    BOOST_TEST(parts->id == "k7f3q9x2m4ab");
    BOOST_TEST(parts->secret == secret);
}

BOOST_AUTO_TEST_CASE(anything_else_is_not_a_key) {
    for (std::string const bad : {std::string(""), std::string("sk-proj-abc"), key("K7F3Q9X2M4AB"), key("k7f3q9x2m4a"),
                                  key("k7f3q9x2m4ab", std::string(39, 'Q')), key("k7f3q9x2m4ab", std::string(41, 'Q')),
                                  key("k7f3q9x2m4ab", std::string(39, 'Q') + "-"), "sb-k7f3q9x2m4ab-" + secret,
                                  std::string("eyJhbGciOiJIUzI1NiJ9.e30.sig")})
        BOOST_TEST(!parse_api_key(bad).has_value(), bad);
    BOOST_TEST(valid_api_key_id("k7f3q9x2m4ab"));
    BOOST_TEST(!valid_api_key_id("k7f3q9x2m4a!"));
}

BOOST_AUTO_TEST_CASE(an_expired_grant_is_unauthorized_and_a_missing_scope_forbidden) {
    auto g = acme();
    g.expires_unix = 1000;
    BOOST_TEST(!check_access(g, access_scope::chat, 999).has_value());
    auto expired = check_access(g, access_scope::chat, 1000);
    BOOST_TEST_REQUIRE(expired.has_value());
    BOOST_TEST((expired->code == errc::unauthorized));

    g = acme();
    g.scopes = static_cast<unsigned>(access_scope::embeddings);
    auto refused = check_access(g, access_scope::chat, 0);
    BOOST_TEST_REQUIRE(refused.has_value());
    BOOST_TEST((refused->code == errc::forbidden));
    BOOST_TEST(refused->message.find("'chat'") != std::string::npos);
    BOOST_TEST(!check_access(g, access_scope::embeddings, 0).has_value());
    BOOST_TEST(check_access(acme(), access_scope::admin, 0).has_value()); // not held by default
    g.scopes = static_cast<unsigned>(access_scope::admin);
    BOOST_TEST(!check_access(g, access_scope::chat, 0).has_value()); // admin may do everything
}

BOOST_AUTO_TEST_CASE(a_key_limited_to_models_may_call_those_only) {
    auto g = acme();
    BOOST_TEST(!check_model(g, "anything").has_value());
    g.models = {"chat", "gpt-4o-mini"};
    BOOST_TEST(!check_model(g, "chat").has_value());
    auto refused = check_model(g, "gpt-4o");
    BOOST_TEST_REQUIRE(refused.has_value());
    BOOST_TEST((refused->code == errc::forbidden));
    BOOST_TEST(refused->param == "model");
}

BOOST_AUTO_TEST_CASE(a_call_acts_for_the_keys_tenant_and_never_for_another_it_names) {
    auto g = acme();
    BOOST_TEST(*acting_tenant(g, "", known) == "acme");
    BOOST_TEST(*acting_tenant(g, "acme", known) == "acme");
    auto forged = acting_tenant(g, "beta", known);
    BOOST_TEST_REQUIRE(!forged.has_value());
    BOOST_TEST((forged.error().code == errc::forbidden));
    BOOST_TEST(!acting_tenant(g, "random-4711", known).has_value());
}

BOOST_AUTO_TEST_CASE(a_key_that_acts_for_tenants_may_name_them_but_no_unknown_one) {
    auto g = acme();
    g.acts_for = {"beta"};
    BOOST_TEST(*acting_tenant(g, "beta", known) == "beta");
    BOOST_TEST(!acting_tenant(g, "gamma", known).has_value());
    g.acts_for = {"*"};
    BOOST_TEST(*acting_tenant(g, "gamma", known) == "gamma");
    BOOST_TEST(!acting_tenant(g, "random-4711", known).has_value()); // never a fresh default quota
}

BOOST_AUTO_TEST_CASE(scope_names_read_back) {
    for (auto s : {access_scope::chat, access_scope::embeddings, access_scope::models, access_scope::usage,
                   access_scope::admin})
        BOOST_TEST((parse_access_scope(access_scope_name(s)) == s));
    BOOST_TEST(!parse_access_scope("everything").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

#include "domain/calendar.hpp"

BOOST_AUTO_TEST_SUITE(key_expiry_dates)

BOOST_AUTO_TEST_CASE(a_date_or_an_instant_in_utc_is_read_and_nothing_else) {
    BOOST_TEST(*parse_utc_time("1970-01-02") == 86400);
    BOOST_TEST(*parse_utc_time("2027-01-01") == 1798761600);
    BOOST_TEST(*parse_utc_time("2027-01-01T01:02:03Z") == 1798761600 + 3723);
    for (auto bad : {"", "2027-02-30", "2027-13-01", "2027-1-01", "2027-01-01T24:00:00Z", "2027-01-01T01:02:03",
                     "2027-01-01 01:02:03Z", "tomorrow"})
        BOOST_TEST(!parse_utc_time(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()

#include "domain/auth/key_record.hpp"

#include <boost/json/parse.hpp>

BOOST_AUTO_TEST_SUITE(key_records)

BOOST_AUTO_TEST_CASE(a_stored_record_reads_back_whole_and_a_broken_one_not_at_all) {
    key_record k;
    k.id = k.grant.key_id = "k7f3q9x2m4ab";
    k.secret_hash = std::string(64, 'a');
    k.previous_hash = std::string(64, 'b');
    k.previous_until = 1800000000;
    k.name = "acme web";
    k.grant.tenant = "acme";
    k.grant.user = "u1";
    k.grant.scopes = static_cast<unsigned>(access_scope::chat) | static_cast<unsigned>(access_scope::usage);
    k.grant.models = {"chat"};
    k.grant.acts_for = {"beta"};
    k.grant.expires_unix = 1900000000;
    k.metadata = {{"team", "web"}};
    k.created_unix = 1700000000;
    auto back = key_record_from_stored(boost::json::value(stored_form(k)));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(back->grant.key_id == k.id);
    BOOST_TEST(back->previous_hash == k.previous_hash);
    BOOST_TEST(back->grant.scopes == k.grant.scopes);
    BOOST_TEST(back->grant.models == k.grant.models);
    BOOST_TEST(back->metadata == k.metadata);
    BOOST_TEST(back->status(1800000000) == "active");
    BOOST_TEST(back->status(1900000000) == "expired");
    BOOST_TEST(!public_view(k, 0).contains("hash"));
    BOOST_TEST(!public_view(k, 0).contains("previous_hash"));
    for (auto broken : {R"([])", R"({"id":"x"})", R"({"id":"k","hash":"short","tenant":"a"})",
                        R"({"id":"k","hash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","tenant":"a b"})"})
        BOOST_TEST(!key_record_from_stored(boost::json::parse(broken)).has_value(), broken);
}

BOOST_AUTO_TEST_CASE(admin_requests_are_validated_field_by_field) {
    auto param_of = [](char const* body, bool creating) {
        auto c = parse_key_changes(boost::json::parse(body), creating);
        return c ? std::string("ok") : c.error().param;
    };
    BOOST_TEST(param_of(R"({"tenant":"acme","scopes":["chat"],"expires":null})", true) == "ok");
    BOOST_TEST(param_of(R"({"name":"x"})", true) == "tenant");
    BOOST_TEST(param_of(R"({"tenant":"acme"})", false) == "tenant");
    BOOST_TEST(param_of(R"({"tenant":"a b"})", true) == "tenant");
    BOOST_TEST(param_of(R"({"scopes":["chat",7]})", false) == "scopes[1]");
    BOOST_TEST(param_of(R"({"acts_for":["*","b","c d"]})", false) == "acts_for[2]");
    BOOST_TEST(param_of(R"({"expires":"soon"})", false) == "expires");
    BOOST_TEST(param_of(R"({"metadata":{"a":1}})", false) == "metadata.a");
    BOOST_TEST(param_of(R"({"name":"a\u0001b"})", false) == "name");
    BOOST_TEST(param_of(R"({"rpm":10})", false) == "rpm");
    auto c = parse_key_changes(boost::json::parse(R"({"models":["chat"],"expires":"2030-01-01"})"), false);
    key_record k;
    k.grant.models = {"a", "b"};
    apply_changes(*c, k);
    BOOST_TEST(k.grant.models == std::vector<std::string>{"chat"});
    BOOST_TEST(k.grant.expires_unix == 1893456000);
}

BOOST_AUTO_TEST_SUITE_END()
