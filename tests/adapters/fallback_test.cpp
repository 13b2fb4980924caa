// Fallback across deployments: on 5xx, resets, silence and garbage it moves on; on the
// client's own errors it stops; hints reorder or pin; the request deadline bounds it all.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
// Two OpenAI-compatible providers, primary first.
struct two_providers {
    mock_upstream primary;
    mock_upstream backup;
    std::unique_ptr<gateway_fixture> gw;

    explicit two_providers(std::string extra = "") {
        backup.always(canned_reply::json(200, completion_body("backup-model", "from backup")));
        gw = std::make_unique<gateway_fixture>(
            "timeouts: {attempt: 400ms, request: 5s}\n"
            "resilience: {retry: {max_attempts: 1}}\n" // one attempt per deployment: fallback alone

            "providers:\n"
            "  primary: {kind: openai, base_url: \"" +
            primary.base_url("/v1") +
            "\", api_key: k-primary-00001}\n"
            "  backup: {kind: openai, base_url: \"" +
            backup.base_url("/v1") +
            "\", api_key: k-backup-000001}\n"
            "models:\n  chat: [primary/primary-model, backup/backup-model]\n" +
            extra);
    }
};

void expect_served_by_backup(client_response const& res, std::string const& attempts = "2") {
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(json::parse(res.body).at("model").as_string() == "backup-model");
    BOOST_TEST(res.header("x-switchboard-provider") == "backup");
    BOOST_TEST(res.header("x-switchboard-attempts") == attempts);
}
} // namespace

BOOST_AUTO_TEST_SUITE(fallback)

BOOST_AUTO_TEST_CASE(falls_back_on_500) {
    two_providers t;
    t.primary.always(canned_reply::json(500, R"({"error":{"message":"boom"}})"));
    expect_served_by_backup(t.gw->chat(chat_body("chat")));
    BOOST_TEST(t.primary.hits() == 1u);
}

BOOST_AUTO_TEST_CASE(falls_back_on_429) {
    two_providers t;
    auto r = canned_reply::json(429, R"({"error":{"message":"rate limited"}})");
    r.headers = {{"retry-after", "2"}};
    t.primary.always(r);
    expect_served_by_backup(t.gw->chat(chat_body("chat")));
}

BOOST_AUTO_TEST_CASE(falls_back_on_a_connection_reset) {
    two_providers t;
    t.primary.always(canned_reply::reset_connection());
    expect_served_by_backup(t.gw->chat(chat_body("chat")));
}

BOOST_AUTO_TEST_CASE(falls_back_when_the_primary_refuses_connections) {
    // Port 1 on loopback: nothing listens there, the connect is refused at once.
    mock_upstream backup;
    backup.always(canned_reply::json(200, completion_body("backup-model", "ok")));
    gateway_fixture gw(
        "resilience: {retry: {max_attempts: 1}}\n"
        "providers:\n  dead: {kind: openai, base_url: \"http://127.0.0.1:1/v1\", api_key: k-000000000001}\n"
        "  backup: {kind: openai, base_url: \"" +
        backup.base_url("/v1") +
        "\", api_key: k-000000000002}\n"
        "models:\n  chat: [dead/m, backup/backup-model]\n");
    expect_served_by_backup(gw.chat(chat_body("chat")));
}

BOOST_AUTO_TEST_CASE(falls_back_when_the_primary_stays_silent) {
    two_providers t;
    t.primary.always(canned_reply::stay_silent());
    auto const start = std::chrono::steady_clock::now();
    expect_served_by_backup(t.gw->chat(chat_body("chat")));
    auto const took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(t.primary.hits() == 1u);
    // Bounded by the 400 ms attempt timeout plus slack (not a benchmark: a hang detector).
    BOOST_TEST(took < std::chrono::seconds(3));
}

BOOST_AUTO_TEST_CASE(falls_back_on_malformed_upstream_json) {
    two_providers t;
    t.primary.always(canned_reply::json(200, "{\"choices\": [ oops"));
    expect_served_by_backup(t.gw->chat(chat_body("chat")));
}

BOOST_AUTO_TEST_CASE(malformed_json_from_the_only_provider_is_a_clean_502) {
    mock_upstream up;
    up.always(canned_reply::json(200, "<html>502 Bad Gateway</html>"));
    gateway_fixture gw("resilience: {retry: {max_attempts: 1}}\n"
                       "providers:\n  only: {kind: openai, base_url: \"" +
                       up.base_url("/v1") + "\", api_key: k-000000000001}\n");
    auto res = gw.chat(chat_body("only/m"));
    BOOST_TEST(res.status == 502);
    auto err = json::parse(res.body).at("error");
    BOOST_TEST(err.at("code").as_string() == "upstream_bad_response");
    BOOST_TEST(res.body.find("<html>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(never_falls_back_on_the_clients_own_400) {
    two_providers t;
    t.primary.always(canned_reply::json(400, R"({"error":{"message":"Invalid 'messages[0].content'",
        "type":"invalid_request_error","param":"messages[0].content","code":null}})"));
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST(res.status == 400);
    auto err = json::parse(res.body).at("error");
    BOOST_TEST(err.at("message").as_string() == "Invalid 'messages[0].content'");
    BOOST_TEST(err.at("param").as_string() == "messages[0].content");
    BOOST_TEST(t.backup.hits() == 0u);
    BOOST_TEST(res.header("x-switchboard-attempts") == "1");
}

BOOST_AUTO_TEST_CASE(never_falls_back_on_422) {
    two_providers t;
    t.primary.always(canned_reply::json(422, R"({"error":{"message":"nope"}})"));
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST(res.status == 400);
    BOOST_TEST(t.backup.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(a_deployment_that_lost_its_model_falls_back_unless_its_provider_says_otherwise) {
    {
        two_providers t;
        t.primary.always(canned_reply::json(404, R"({"error":{"message":"The model does not exist"}})"));
        auto res = t.gw->chat(chat_body("chat"));
        expect_served_by_backup(res, "2");
    }
    two_providers strict("");
    strict.primary.always(canned_reply::json(404, R"({"error":{"message":"nope"}})"));
    auto only_primary = strict.gw->chat(R"({"model":"primary/primary-model","messages":[{"role":"user","content":"x"}]})");
    BOOST_TEST(only_primary.status == 404);
    BOOST_TEST(json::parse(only_primary.body).at("error").at("code").as_string() == "model_not_found");
    BOOST_TEST(only_primary.body.find("nope") == std::string::npos); // never the provider's text
}

BOOST_AUTO_TEST_CASE(a_404_is_the_clients_error_where_fallback_on_leaves_it_out) {
    mock_upstream up;
    up.always(canned_reply::json(404, R"({"error":{"message":"no such fine-tune"}})"));
    gateway_fixture gw("providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
                       "\", api_key: k-000000000001, fallback_on: [401, 403]}\n"
                       "models:\n  chat: [p/m]\n");
    auto res = gw.chat(chat_body("chat"));
    BOOST_TEST(res.status == 404);
    BOOST_TEST(json::parse(res.body).at("error").at("code").as_string() == "not_found");
    BOOST_TEST(json::parse(res.body).at("error").at("message").as_string() == "no such fine-tune");
}

BOOST_AUTO_TEST_CASE(rejected_gateway_credentials_fall_back_leak_nothing_and_open_the_breaker) {
    mock_upstream primary, backup;
    primary.always(
        canned_reply::json(401, R"({"error":{"message":"Incorrect API key provided: k-prim*****0001"}})"));
    backup.always(canned_reply::json(200, completion_body("backup-model", "from backup")));
    gateway_fixture gw("resilience: {retry: {max_attempts: 1}, breaker: {failure_threshold: 2, open_for: 1m}}\n"
                       "providers:\n"
                       "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: k-primary-00001}\n"
                       "  backup: {kind: openai, base_url: \"" + backup.base_url("/v1") + "\", api_key: k-backup-000001}\n"
                       "models:\n  chat: [primary/primary-model, backup/backup-model]\n");
    for (int i = 0; i < 4; ++i) {
        auto res = gw.chat(chat_body("chat"));
        BOOST_TEST(res.status == 200);
        BOOST_TEST(res.body.find("k-prim") == std::string::npos);
    }
    BOOST_TEST(primary.hits() == 2u); // the revoked key opened its breaker after two refusals
    BOOST_TEST(backup.hits() == 4u);

    backup.always(canned_reply::json(403, R"({"error":{"message":"Key k-back*****0001 is disabled"}})"));
    auto none = gw.chat(R"({"model":"backup/backup-model","messages":[{"role":"user","content":"x"}]})");
    BOOST_TEST(none.status == 502);
    BOOST_TEST(json::parse(none.body).at("error").at("code").as_string() == "upstream_error");
    BOOST_TEST(none.body.find("k-back") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_deployment_failing_is_a_503_naming_the_attempts) {
    two_providers t;
    t.primary.always(canned_reply::json(503, "{}"));
    t.backup.always(canned_reply::reset_connection());
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST(res.status == 503);
    BOOST_TEST(json::parse(res.body).at("error").at("code").as_string() == "provider_unavailable");
    BOOST_TEST(res.header("x-switchboard-attempts") == "2");
}

BOOST_AUTO_TEST_CASE(preferred_provider_is_tried_first) {
    two_providers t;
    t.primary.always(canned_reply::json(200, completion_body("primary-model", "p")));
    auto res = t.gw->chat(chat_body("chat"), {{"X-Preferred-Provider", "backup"}});
    expect_served_by_backup(res, "1");
    BOOST_TEST(t.primary.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(force_provider_pins_and_never_falls_back) {
    two_providers t;
    t.backup.always(canned_reply::json(500, "{}"));
    t.primary.always(canned_reply::json(200, completion_body("primary-model", "p")));
    auto res = t.gw->chat(
        R"({"model":"chat","force_provider":"backup","messages":[{"role":"user","content":"x"}]})");
    BOOST_TEST(res.status == 503);
    BOOST_TEST(t.primary.hits() == 0u);
    auto other =
        t.gw->chat(R"({"model":"chat","force_provider":"acme","messages":[{"role":"user","content":"x"}]})");
    BOOST_TEST(other.status == 400);
    BOOST_TEST(json::parse(other.body).at("error").at("param").as_string() == "force_provider");
    // force_provider is a gateway field: the provider never sees it.
    BOOST_TEST(json::parse(t.backup.requests().at(0).body).as_object().contains("force_provider") == false);
}

BOOST_AUTO_TEST_CASE(the_request_deadline_bounds_all_attempts) {
    mock_upstream slow1, slow2;
    slow1.always(canned_reply::stay_silent());
    slow2.always(canned_reply::stay_silent());
    gateway_fixture gw("timeouts: {attempt: 300ms, request: 500ms}\n"
                       "providers:\n  a: {kind: openai, base_url: \"" +
                       slow1.base_url("/v1") +
                       "\", api_key: k-000000000001}\n"
                       "  b: {kind: openai, base_url: \"" +
                       slow2.base_url("/v1") +
                       "\", api_key: k-000000000002}\n"
                       "models:\n  chat: [a/m, b/m]\n");
    auto res = gw.chat(chat_body("chat"));
    BOOST_TEST(res.status == 504);
    BOOST_TEST(json::parse(res.body).at("error").at("code").as_string() == "timeout");
    BOOST_TEST(slow1.hits() == 1u);
    BOOST_TEST(slow2.hits() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
