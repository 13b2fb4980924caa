// Plain REST upstreams: a weather-like service served by two providers with different wire
// shapes and credentials, answering one declared shape whichever serves; their failures (429 with
// Retry-After, 5xx, resets, silence, garbage) fall back; the client's own errors do not; the
// passthrough relays only allow-listed, plain paths; a REST call's dollars count in the same
// quota as a model call's.
#include "gateway_fixture.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string const key_a = "meteo-a-secret-000111";
std::string const key_b = "meteo-b-secret-000222";
std::string const key_fin = "fin-secret-000333";

// Meteo A: GET /v2/current/{city}?units=…&appid=<key>, answers {"main":{"temp":…},"name":…}.
// Meteo B: POST /api/weather {"q":…,"metric":…} with X-Api-Key, answers {"data":{"t":…,"place":…}}.
// Fin: a market-data API reached through the passthrough (/v1/quote/…) and serving
// finance.quote first, bearer token. Fin B: another one, GET /query?function=quote&symbol=…,
// answers {"quote":{"sym":…,"last":…}}, the second for finance.quote.
struct rest_world {
    mock_upstream meteo_a, meteo_b, fin, fin_b;
    std::unique_ptr<gateway_fixture> gw;

    explicit rest_world(std::string const& extra = "", std::string const& a_extra = "",
                        std::string const& more_providers = "") {
        meteo_a.always(canned_reply::json(200, R"({"main":{"temp":21.5},"name":"Paris","units_used":3})"));
        meteo_b.always(canned_reply::json(200, R"({"data":{"t":19.0,"place":"Paris"}})"));
        fin.always(canned_reply::json(200, R"({"symbol":"AAPL","price":190.1})"));
        fin_b.always(canned_reply::json(200, R"({"quote":{"sym":"AAPL","last":190.2}})"));
        gw = std::make_unique<gateway_fixture>(
            "timeouts: {attempt: 400ms, request: 5s}\n"
            "resilience: {retry: {max_attempts: 1}}\n"
            "providers:\n"
            "  meteo_a:\n"
            "    kind: rest\n"
            "    base_url: \"" + meteo_a.base_url("/v2") + "\"\n"
            "    auth: {type: query, name: appid, value: \"${METEO_A_KEY}\"}\n"
            "    usd_per_call: 0.002\n" + a_extra +
            "  meteo_b:\n"
            "    kind: rest\n"
            "    base_url: \"" + meteo_b.base_url("/api") + "\"\n"
            "    auth: {type: header, name: X-Api-Key, value: \"${METEO_B_KEY}\"}\n"
            "    usd_per_call: 0.001\n"
            "  fin:\n"
            "    kind: rest\n"
            "    base_url: \"" + fin.base_url() + "\"\n"
            "    auth: {type: bearer, value: \"${FIN_KEY}\"}\n"
            "    usd_per_call: 0.0005\n"
            "    passthrough: [/v1/quote]\n"
            "  paid:\n"
            "    kind: rest\n"
            "    base_url: \"" + fin.base_url() + "\"\n"
            "    usd_per_call: 0.0095\n"
            "    passthrough: [/v1/quote]\n"
            "  fin_b: {kind: rest, base_url: \"" + fin_b.base_url() + "\", usd_per_call: 0.0002}\n" + more_providers +
            "services:\n"
            "  finance:\n"
            "    quote:\n"
            "      params: {symbol: {type: string, required: true, max_length: 12}}\n"
            "      providers:\n"
            "        - {provider: fin, path: \"/v1/quote/{symbol}\", output: {symbol: /symbol, price: /price}}\n"
            "        - {provider: fin_b, path: /query, query: {function: quote, symbol: \"{symbol}\"},\n"
            "           output: {symbol: /quote/sym, price: /quote/last}}\n"
            "  weather:\n"
            "    current:\n"
            "      method: GET\n"
            "      params:\n"
            "        city: {type: string, required: true, max_length: 64}\n"
            "        units: {type: string, default: metric, enum: [metric, imperial]}\n"
            "      providers:\n"
            "        - provider: meteo_a\n"
            "          path: /current/{city}\n"
            "          query: {units: \"{units}\"}\n"
            "          output: {temperature: /main/temp, city: /name}\n"
            "          units: {pointer: /units_used, usd_per_unit: 0.001}\n"
            "        - provider: meteo_b\n"
            "          method: POST\n"
            "          path: /weather\n"
            "          body: {q: \"{city}\", metric: true}\n"
            "          output: {temperature: /data/t, city: /data/place}\n"
            "    cached:\n"
            "      cache_ttl: 10m\n"
            "      params: {city: {type: string, required: true}}\n"
            "      providers:\n"
            "        - {provider: meteo_a, path: \"/current/{city}\", output: {temperature: /main/temp, city: /name}}\n"
            "        - {provider: meteo_b, method: POST, path: /weather, body: {q: \"{city}\"},\n"
            "           output: {temperature: /data/t, city: /data/place}}\n" +
                extra,
            std::map<std::string, std::string>{{"METEO_A_KEY", key_a}, {"METEO_B_KEY", key_b}, {"FIN_KEY", key_fin}});
    }
    client_response weather(std::string const& query = "city=Paris") const {
        return http_call(gw->port(), "GET", "/api/v1/services/weather/current?" + query);
    }
};

void expect_shape(client_response const& r, double temperature, std::string const& provider) {
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto const body = json::parse(r.body).as_object();
    BOOST_TEST(body.size() == 2u);
    BOOST_TEST(body.at("temperature").to_number<double>() == temperature);
    BOOST_TEST(body.at("city").as_string() == "Paris");
    BOOST_TEST(r.header("x-switchboard-provider") == provider);
}

std::string error_code(client_response const& r) {
    return std::string(json::parse(r.body).at("error").at("code").as_string());
}
std::string error_param(client_response const& r) {
    auto const body = json::parse(r.body);
    auto const& p = body.at("error").at("param");
    return p.is_string() ? std::string(p.as_string()) : std::string();
}
} // namespace

BOOST_AUTO_TEST_SUITE(rest_services)

BOOST_AUTO_TEST_CASE(the_first_provider_serves_in_the_declared_shape_with_its_credentials_and_price) {
    rest_world w;
    auto r = w.weather("city=Saint%20%C3%89tienne&units=imperial");
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(r.header("x-switchboard-provider") == "meteo_a");
    BOOST_TEST(r.header("x-switchboard-cost-usd") == "0.00500000"); // 0.002 per call + 3 units × 0.001
    auto const sent = w.meteo_a.requests().at(0);
    BOOST_TEST(sent.method == "GET");
    BOOST_TEST(sent.target == "/v2/current/Saint%20%C3%89tienne?units=imperial&appid=" + key_a);
    BOOST_TEST(r.body.find(key_a) == std::string::npos);
    BOOST_TEST(w.meteo_b.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(a_failing_first_provider_falls_back_to_the_second_with_the_same_shape) {
    std::vector<canned_reply> failures{canned_reply::json(500, "{}"), canned_reply::reset_connection(),
                                       canned_reply::stay_silent(), canned_reply::json(200, "not json"),
                                       canned_reply::json(200, R"({"unexpected":true})")};
    auto html = canned_reply::json(200, "<html>captive portal</html>");
    html.headers = {{"content-type", "text/html"}};
    failures.push_back(html);
    for (auto const& failure : failures) {
        rest_world w;
        w.meteo_a.always(failure);
        auto r = w.weather();
        expect_shape(r, 19.0, "meteo_b");
        BOOST_TEST(r.header("x-switchboard-attempts") == "2");
        BOOST_TEST(r.header("x-switchboard-cost-usd") == "0.00100000");
        auto const sent = w.meteo_b.requests().at(0);
        BOOST_TEST(sent.method == "POST");
        BOOST_TEST(sent.target == "/api/weather");
        BOOST_TEST(sent.header("x-api-key") == key_b);
        BOOST_TEST(json::serialize(json::parse(sent.body)) == R"({"q":"Paris","metric":true})");
    }
}

BOOST_AUTO_TEST_CASE(a_failing_market_data_api_falls_back_to_the_second_with_the_same_shape) {
    auto limited = canned_reply::json(429, R"({"message":"slow down"})");
    limited.headers = {{"retry-after", "60"}};
    for (auto const& failure : {limited, canned_reply::json(503, "{}"), canned_reply::reset_connection(),
                                canned_reply::json(200, "<<garbage>>")}) {
        rest_world w;
        w.fin.always(failure);
        auto r = http_call(w.gw->port(), "GET", "/api/v1/services/finance/quote?symbol=AAPL");
        BOOST_TEST_REQUIRE(r.status == 200, r.body);
        BOOST_TEST(json::parse(r.body) == json::parse(R"({"symbol":"AAPL","price":190.2})"));
        BOOST_TEST(r.header("x-switchboard-provider") == "fin_b");
        BOOST_TEST(r.header("x-switchboard-cost-usd") == "0.00020000"); // the failed call costs nothing
        BOOST_TEST(w.fin_b.requests().at(0).target == "/query?function=quote&symbol=AAPL");
        BOOST_TEST(w.fin.requests().at(0).header("authorization") == "Bearer " + key_fin);
        BOOST_TEST(w.fin_b.requests().at(0).header("authorization").empty()); // fin's credential stays fin's
    }
}

BOOST_AUTO_TEST_CASE(a_429_with_retry_after_cools_the_provider_down_until_then) {
    rest_world w;
    auto limited = canned_reply::json(429, R"({"message":"slow down"})");
    limited.headers = {{"retry-after", "30"}};
    w.meteo_a.always(limited);
    expect_shape(w.weather(), 19.0, "meteo_b");
    expect_shape(w.weather(), 19.0, "meteo_b");
    BOOST_TEST(w.meteo_a.hits() == 1u); // the second call did not knock during its cooldown
}

BOOST_AUTO_TEST_CASE(the_breaker_opens_on_repeated_failures) {
    rest_world w("", "    breaker: {failure_threshold: 2, open_for: 30s}\n");
    w.meteo_a.always(canned_reply::json(503, "{}"));
    for (int i = 0; i < 4; ++i) expect_shape(w.weather(), 19.0, "meteo_b");
    BOOST_TEST(w.meteo_a.hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_providers_daily_request_quota_moves_calls_to_the_next) {
    rest_world w("quotas:\n  providers: {meteo_a: {requests_per_day: 2}}\n");
    expect_shape(w.weather(), 21.5, "meteo_a");
    expect_shape(w.weather(), 21.5, "meteo_a");
    expect_shape(w.weather(), 19.0, "meteo_b");
    BOOST_TEST(w.meteo_a.hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_providers_monthly_request_quota_moves_calls_to_the_next) {
    rest_world w("quotas:\n  providers: {meteo_a: {requests_per_month: 1}}\n");
    expect_shape(w.weather(), 21.5, "meteo_a");
    expect_shape(w.weather(), 19.0, "meteo_b");
    BOOST_TEST(w.meteo_a.hits() == 1u);
    auto const quotas = json::parse(http_call(w.gw->port(), "GET", "/api/v1/quotas").body);
    auto const& month = quotas.at("providers").at(0).at("month").at("requests");
    BOOST_TEST(month.at("used").to_number<int>() == 1);
    BOOST_TEST(month.at("limit").to_number<int>() == 1);
}

BOOST_AUTO_TEST_CASE(the_callers_own_error_upstream_stops_without_fallback) {
    rest_world w;
    w.meteo_a.always(canned_reply::json(404, R"({"message":"city not found, key )" + key_a + "\"}"));
    auto r = w.weather("city=Atlantis");
    BOOST_TEST(r.status == 404);
    BOOST_TEST(error_code(r) == "not_found");
    BOOST_TEST(r.body.find(key_a) == std::string::npos); // the provider's text is not relayed
    BOOST_TEST(w.meteo_b.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(bad_calls_are_refused_before_any_provider_is_asked) {
    rest_world w;
    auto missing = w.weather("units=metric");
    BOOST_TEST(missing.status == 400);
    BOOST_TEST(error_param(missing) == "city");
    auto undeclared = w.weather("city=Paris&appid=mine");
    BOOST_TEST(undeclared.status == 400);
    BOOST_TEST(error_param(undeclared) == "appid");
    auto wrong_value = w.weather("city=Paris&units=kelvin");
    BOOST_TEST(wrong_value.status == 400);
    BOOST_TEST(error_param(wrong_value) == "units");
    auto unknown = http_call(w.gw->port(), "GET", "/api/v1/services/weather/forecast?city=Paris");
    BOOST_TEST(unknown.status == 404);
    auto by_post = http_call(w.gw->port(), "POST", "/api/v1/services/weather/current", R"({"city":"Paris"})",
                             {{"Content-Type", "application/json"}});
    BOOST_TEST(by_post.status == 405);
    BOOST_TEST(by_post.header("allow") == "GET, HEAD");
    auto dots = w.weather("city=..");
    BOOST_TEST(dots.status == 400);
    BOOST_TEST(w.meteo_a.hits() + w.meteo_b.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(a_redirect_is_never_followed) {
    mock_upstream elsewhere;
    rest_world w;
    auto redirect = canned_reply::json(302, "");
    redirect.headers = {{"location", elsewhere.base_url("/steal")}};
    w.meteo_a.always(redirect);
    w.meteo_b.always(redirect);
    auto r = w.weather();
    BOOST_TEST(r.status == 502);
    BOOST_TEST(error_code(r) == "upstream_bad_response");
    BOOST_TEST(elsewhere.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(the_passthrough_relays_allow_listed_paths_with_the_providers_credential_only) {
    rest_world w;
    auto r = http_call(w.gw->port(), "GET", "/api/v1/proxy/fin/v1/quote/AAPL?range=1d&fields=price%2Cvolume", {},
                       {{"Authorization", "Bearer client-token"}, {"Cookie", "session=1"}, {"Accept", "application/json"}});
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(json::parse(r.body).at("price").to_number<double>() == 190.1);
    BOOST_TEST(r.header("x-switchboard-provider") == "fin");
    BOOST_TEST(r.header("x-switchboard-cost-usd") == "0.00050000");
    auto const sent = w.fin.requests().at(0);
    BOOST_TEST(sent.target == "/v1/quote/AAPL?range=1d&fields=price%2Cvolume");
    BOOST_TEST(sent.header("authorization") == "Bearer " + key_fin);
    BOOST_TEST(sent.header("cookie").empty());
    BOOST_TEST(sent.header("accept") == "application/json");
}

BOOST_AUTO_TEST_CASE(the_passthrough_relays_the_callers_own_errors_and_conditional_answers) {
    rest_world w;
    w.fin.reply_with([](recorded_request const& req) {
        if (req.target.find("NOPE") != std::string::npos) return canned_reply::json(404, R"({"error":"unknown symbol"})");
        if (req.header("if-none-match") == "\"v1\"") {
            auto not_modified = canned_reply::json(304, "");
            not_modified.headers = {{"etag", "\"v1\""}};
            return not_modified;
        }
        auto fresh = canned_reply::json(200, R"({"price":1})");
        fresh.headers = {{"etag", "\"v1\""}, {"cache-control", "max-age=60"}, {"set-cookie", "tracker=1"}};
        return fresh;
    });
    auto const port = w.gw->port();
    auto missing = http_call(port, "GET", "/api/v1/proxy/fin/v1/quote/NOPE");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.body == R"({"error":"unknown symbol"})");
    auto fresh = http_call(port, "GET", "/api/v1/proxy/fin/v1/quote/AAPL");
    BOOST_TEST(fresh.status == 200);
    BOOST_TEST(fresh.header("etag") == "\"v1\"");
    BOOST_TEST(fresh.header("cache-control") == "max-age=60");
    BOOST_TEST(fresh.header("set-cookie").empty());
    auto same = http_call(port, "GET", "/api/v1/proxy/fin/v1/quote/AAPL", {}, {{"If-None-Match", "\"v1\""}});
    BOOST_TEST(same.status == 304);
    BOOST_TEST(same.body.empty());
}

BOOST_AUTO_TEST_CASE(the_passthrough_refuses_traversal_and_paths_outside_its_list) {
    rest_world w;
    auto const port = w.gw->port();
    struct refused_case {
        std::string target;
        int status;
    };
    std::vector<refused_case> const cases{
        {"/api/v1/proxy/fin/v1/quote/../../admin", 400},
        {"/api/v1/proxy/fin/v1/quote/%2e%2e/%2e%2e/admin", 400},
        {"/api/v1/proxy/fin/v1/quote%2F..%2Fadmin", 400},
        {"/api/v1/proxy/fin/v1/quote/%5c..%5cadmin", 400},
        {"/api/v1/proxy/fin/v1/quote//x", 404}, // no route has an empty segment
        {"/api/v1/proxy/fin/v1/quotes", 403},
        {"/api/v1/proxy/fin/admin", 403},
        {"/api/v1/proxy/meteo_a/current/Paris", 404}, // a provider without a passthrough
        {"/api/v1/proxy/nobody/v1/quote", 404},
    };
    for (auto const& c : cases) {
        auto r = http_call(port, "GET", c.target);
        BOOST_TEST(r.status == c.status, c.target << " → " << r.status);
    }
    BOOST_TEST(w.fin.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(credentials_never_reach_logs_errors_or_the_config_dump) {
    log_capture logs(switchboard::adapters::log_level::debug);
    rest_world w("admin: {api_key: admin-key-rest-0123456789}\n");
    w.meteo_a.always(canned_reply::json(500, "{\"echo\":\"" + key_a + "\"}"));
    w.meteo_b.always(canned_reply::json(500, "{}"));
    auto r = w.weather();
    BOOST_TEST(r.status == 503);
    auto config = http_call(w.gw->port(), "GET", "/api/v1/config", {},
                            {{"Authorization", "Bearer admin-key-rest-0123456789"}});
    BOOST_TEST_REQUIRE(config.status == 200);
    auto const text = logs.text() + r.body + config.body;
    for (auto const& secret : {key_a, key_b, key_fin}) BOOST_TEST(text.find(secret) == std::string::npos, secret);
    BOOST_TEST(config.body.find("\"services\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rest_and_model_calls_spend_one_dollar_quota_and_it_refuses_before_the_call_that_would_pass_it) {
    mock_upstream llm;
    llm.always(canned_reply::json(200, completion_body("priced-model")));
    // A model call: 3 + 2 tokens at $100 per million = $0.0005 (it reserves its estimate, prompt +
    // 256 tokens ≈ $0.026, first). A quote through `paid` costs $0.0095. The tenant may spend
    // $0.0295 a day: the model call and three quotes fit; a fourth quote, or another model call,
    // would pass it and is refused before any provider is asked.
    rest_world w("models: {chat: [llm/priced-model]}\n"
                 "pricing: {priced-model: {input_per_million: 100, output_per_million: 100}}\n"
                 "quotas:\n  tenants: {default: {usd_per_day: 0.0295}}\n",
                 "", "  llm: {kind: openai, base_url: \"" + llm.base_url("/v1") + "\", api_key: llm-key-0000000001}\n");
    auto const port = w.gw->port();
    BOOST_TEST(w.gw->chat(chat_body("chat")).status == 200);
    for (int i = 0; i < 3; ++i) {
        auto r = http_call(port, "GET", "/api/v1/proxy/paid/v1/quote/AAPL");
        BOOST_TEST(r.status == 200, r.body);
    }
    auto refused = http_call(port, "GET", "/api/v1/proxy/paid/v1/quote/AAPL");
    BOOST_TEST(refused.status == 429, refused.body);
    BOOST_TEST(error_code(refused) == "quota_exceeded");
    BOOST_TEST(w.gw->chat(chat_body("chat")).status == 429);
    BOOST_TEST(w.fin.hits() == 3u);
    BOOST_TEST(llm.hits() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rest_cache)

namespace {
client_response cached_get(rest_world const& w, std::vector<std::pair<std::string, std::string>> headers = {},
                           std::string const& city = "Paris") {
    return http_call(w.gw->port(), "GET", "/api/v1/services/weather/cached?city=" + city, {}, headers);
}
} // namespace

BOOST_AUTO_TEST_CASE(a_get_is_paid_once_and_served_again_per_tenant) {
    rest_world w;
    auto first = cached_get(w);
    BOOST_TEST_REQUIRE(first.status == 200, first.body);
    BOOST_TEST(first.header("x-switchboard-cache") == "miss");
    BOOST_TEST(!first.header("etag").empty());
    auto again = cached_get(w);
    BOOST_TEST(again.status == 200);
    BOOST_TEST(again.body == first.body);
    BOOST_TEST(again.header("x-switchboard-cache") == "hit");
    BOOST_TEST(again.header("x-switchboard-cost-usd") == "0.00000000");
    BOOST_TEST(!again.header("age").empty());
    BOOST_TEST(again.header("etag") == first.header("etag"));
    BOOST_TEST(w.meteo_a.hits() == 1u);
    // Another tenant, another city, or the client's no-cache: a call of its own.
    BOOST_TEST(cached_get(w, {{"X-Tenant-Id", "globex"}}).header("x-switchboard-cache") == "miss");
    BOOST_TEST(cached_get(w, {}, "Lyon").header("x-switchboard-cache") == "miss");
    BOOST_TEST(cached_get(w, {{"Cache-Control", "no-cache"}}).header("x-switchboard-cache") == "bypass");
    BOOST_TEST(w.meteo_a.hits() == 4u);
}

BOOST_AUTO_TEST_CASE(the_clients_if_none_match_gets_a_304_without_a_body) {
    rest_world w;
    auto first = cached_get(w);
    BOOST_TEST_REQUIRE(first.status == 200);
    auto same = cached_get(w, {{"If-None-Match", first.header("etag")}});
    BOOST_TEST(same.status == 304);
    BOOST_TEST(same.body.empty());
    BOOST_TEST(same.header("etag") == first.header("etag"));
    auto other = cached_get(w, {{"If-None-Match", "\"something-else\""}});
    BOOST_TEST(other.status == 200);
}

BOOST_AUTO_TEST_CASE(an_answer_the_provider_says_not_to_store_is_not_stored) {
    rest_world w;
    auto reply = canned_reply::json(200, R"({"main":{"temp":5},"name":"Paris"})");
    reply.headers = {{"cache-control", "no-store"}};
    w.meteo_a.always(reply);
    BOOST_TEST(cached_get(w).status == 200);
    BOOST_TEST(cached_get(w).header("x-switchboard-cache") == "miss");
    BOOST_TEST(w.meteo_a.hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_stale_answer_is_revalidated_with_the_provider_that_gave_it) {
    rest_world w;
    w.meteo_a.reply_with([](recorded_request const& req) {
        if (req.header("if-none-match") == "\"w1\"") {
            auto same = canned_reply::json(304, "");
            same.headers = {{"etag", "\"w1\""}, {"cache-control", "max-age=0"}};
            return same;
        }
        auto fresh = canned_reply::json(200, R"({"main":{"temp":7},"name":"Paris"})");
        fresh.headers = {{"etag", "\"w1\""}, {"cache-control", "max-age=0"}}; // stale at once: revalidate each time
        return fresh;
    });
    auto first = cached_get(w);
    BOOST_TEST_REQUIRE(first.status == 200);
    auto second = cached_get(w);
    BOOST_TEST(second.status == 200);
    BOOST_TEST(second.body == first.body);
    BOOST_TEST(second.header("x-switchboard-cache") == "revalidated");
    auto const sent = w.meteo_a.requests();
    BOOST_TEST_REQUIRE(sent.size() == 2u);
    BOOST_TEST(sent[0].header("if-none-match").empty());
    BOOST_TEST(sent[1].header("if-none-match") == "\"w1\"");
    BOOST_TEST(w.meteo_b.hits() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
