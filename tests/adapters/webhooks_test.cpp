// Webhooks end to end: real gateways, a receiver on loopback that checks every signature the way
// the Standard Webhooks specification tells receivers to, and a real redis-server shared by two
// instances. A quota threshold reaches the receiver signed; crossed on two instances it arrives
// once; a key found expiring by both instances arrives once; a receiver down for a while gets the
// event when it is back; a delivery that never succeeds ends `failed` after its schedule; the
// deliveries are listed at /api/v1/webhooks/deliveries on every instance. The resilience state's
// breaker and mode events are shown on an injected clock. (The retry schedule itself is tested
// on an injected clock in tests/domain/webhooks_test.cpp.)
#include "gateway_fixture.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/redis_server.hpp"

#include "adapters/auth/key_ring.hpp"
#include "adapters/auth/key_directory.hpp"
#include "adapters/dispatch/resilience_state.hpp"
#include "adapters/ledger/ledger_writer.hpp"
#include "adapters/webhooks/event_watch.hpp"
#include "adapters/webhooks/memory_webhook_store.hpp"
#include "adapters/webhooks/webhook_sender.hpp"
#include "adapters/webhooks/webhook_signer.hpp"
#include "domain/base64.hpp"
#include "domain/calendar.hpp"
#include "domain/webhooks/standard_webhooks.hpp"

#include <boost/asio/ssl/context.hpp>
#include <openssl/evp.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <set>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {
std::string const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
std::string const admin_key = "adm-webhooks-test-0123456789";

std::string header_of(recorded_request const& r, std::string const& name) {
    for (auto const& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

// The receiver's check, written from the specification rather than with the gateway's signer:
// HMAC-SHA256 under the base64-decoded secret of "<webhook-id>.<webhook-timestamp>.<body>", one
// of the space-separated "v1,<base64>" entries, and a timestamp within five minutes of now.
bool signature_holds(recorded_request const& r) {
    auto const id = header_of(r, "webhook-id");
    auto const timestamp = header_of(r, "webhook-timestamp");
    auto const signatures = header_of(r, "webhook-signature");
    if (id.empty() || timestamp.empty() || signatures.empty()) return false;
    auto const sent = std::stoll(timestamp);
    auto const now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (sent < now - 300 || sent > now + 300) return false;
    auto const key = *domain::base64_decode(secret.substr(6));
    auto const content = id + "." + timestamp + "." + r.body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t length = 0;
    char digest[] = "SHA256";
    EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
              reinterpret_cast<unsigned char const*>(content.data()), content.size(), mac, sizeof mac, &length);
    auto const expected = "v1," + domain::base64_encode(std::string(reinterpret_cast<char*>(mac), length));
    std::istringstream entries(signatures);
    for (std::string entry; entries >> entry;)
        if (entry == expected) return true;
    return false;
}

std::vector<recorded_request> of_type(mock_upstream const& receiver, std::string const& type) {
    std::vector<recorded_request> out;
    for (auto const& r : receiver.requests())
        if (json::parse(r.body).at("type").as_string() == type) out.push_back(r);
    return out;
}

// The webhooks section: one endpoint, `ops`, at the receiver; quick turns and retries.
std::string webhooks_yaml(mock_upstream const& receiver, std::string const& more = "") {
    return "webhooks:\n"
           "  poll: 20ms\n"
           "  watch_interval: 50ms\n"
           "  retry_waits: [150ms, 300ms, 600ms, 1200ms]\n" +
           more +
           "  endpoints:\n"
           "    ops: {url: \"" + receiver.base_url("/hooks/switchboard") + "\", secret: " + secret + "}\n";
}

// A gateway over one mock model whose provider may take 4 requests a day (thresholds at 3 and 4).
std::string quota_yaml(mock_upstream const& receiver, std::string const& store = "") {
    return store + "admin: {api_key: " + admin_key + "}\n"
           "providers:\n  mock: {kind: mock}\n"
           "models:\n  chat: [mock/mock-1]\n"
           "quotas: {providers: {mock: {requests_per_day: 4}}}\n" + webhooks_yaml(receiver);
}

client_response deliveries(gateway_fixture& gw, std::string const& query = "") {
    return http_call(gw.port(), "GET", "/api/v1/webhooks/deliveries" + query, "",
                     {{"Authorization", "Bearer " + admin_key}});
}

std::set<std::int64_t> percents(std::vector<recorded_request> const& events) {
    std::set<std::int64_t> out;
    for (auto const& r : events) out.insert(json::parse(r.body).at("data").at("percent").as_int64());
    return out;
}

// An auth section with one key of tenant acme expiring in three days.
std::string expiring_key_yaml(adapters::minted_key const& key) {
    auto const in_three_days = domain::utc_text((std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::chrono::system_clock::now().time_since_epoch()) +
                                                 72h).count());
    return "auth:\n  secret: webhooks-test-secret-0123456789\n  keys:\n"
           "    - {id: " + key.id + ", hash: " + key.secret_hash + ", tenant: acme, name: acme web, expires: \"" +
           in_three_days + "\"}\n"
           "quotas: {tenants: {acme: {requests_per_day: 100}}}\n";
}

// Captures what a component publishes.
struct captured_events final : adapters::event_sink {
    std::mutex mutex;
    std::vector<domain::webhooks::event> events;
    void publish(domain::webhooks::event e) noexcept override {
        std::lock_guard lock(mutex);
        events.push_back(std::move(e));
    }
    std::vector<std::string> types() {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (auto const& e : events) out.emplace_back(domain::webhooks::type_name(e.type));
        return out;
    }
};
} // namespace

BOOST_AUTO_TEST_SUITE(webhooks)

// The signer against the specification's own example (standard-webhooks, the reference libraries' tests).
BOOST_AUTO_TEST_CASE(the_signature_matches_the_specifications_example) {
    auto const key = domain::webhooks::secret_key(secret);
    BOOST_TEST_REQUIRE(key.has_value());
    BOOST_TEST(adapters::webhook_signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
               "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

BOOST_AUTO_TEST_CASE(quota_thresholds_reach_the_receiver_signed_and_are_listed) {
    mock_upstream receiver;
    receiver.always(canned_reply::json(204, ""));
    gateway_fixture gw(quota_yaml(receiver));
    for (int i = 0; i < 4; ++i) BOOST_TEST_REQUIRE(gw.chat(chat_body("chat")).status == 200);
    BOOST_TEST(gw.chat(chat_body("chat")).status == 429); // used up: reported once already
    BOOST_TEST_REQUIRE(eventually([&] { return receiver.hits() >= 3; }));
    auto const events = of_type(receiver, "quota.threshold");
    for (auto const& r : receiver.requests()) BOOST_TEST_MESSAGE(r.body);
    BOOST_TEST_REQUIRE(events.size() == 3u);
    BOOST_TEST((percents(events) == std::set<std::int64_t>{75, 90, 100}));
    std::set<std::string> ids;
    for (auto const& r : events) {
        BOOST_TEST(signature_holds(r), r.body);
        BOOST_TEST(r.target == "/hooks/switchboard");
        BOOST_TEST(header_of(r, "content-type") == "application/json");
        auto const body = json::parse(r.body);
        BOOST_TEST(body.at("data").at("subject").as_string() == "provider:mock");
        BOOST_TEST(body.at("data").at("limit").as_int64() == 4);
        BOOST_TEST(header_of(r, "webhook-id").rfind("evt_", 0) == 0u);
        ids.insert(header_of(r, "webhook-id"));
    }
    BOOST_TEST(ids.size() == 3u);
    // A body altered on the way no longer verifies.
    auto tampered = events.front();
    tampered.body.back() = ' ';
    BOOST_TEST(!signature_holds(tampered));

    client_response listed;
    BOOST_TEST(eventually([&] {
        listed = deliveries(gw, "?state=delivered&event_type=quota.threshold");
        if (listed.status != 200) return false;
        auto const page = json::parse(listed.body);
        // (The mode's event is counted once its receiver has answered, which may come a little
        // after the threshold events are listed.)
        return page.at("data").as_array().size() == 3u && page.at("instance").at("delivered").as_int64() == 4;
    }));
    auto const first = json::parse(listed.body).at("data").at(0);
    BOOST_TEST(first.at("endpoint").as_string() == "ops");
    BOOST_TEST(first.at("attempts").as_int64() == 1);
    BOOST_TEST(first.at("last_status").as_int64() == 204);
    BOOST_TEST(ids.contains(std::string(first.at("event_id").as_string())));
    // The only provider's quota used up is also the critical mode (the quota-use signal).
    auto const mode = of_type(receiver, "degraded_mode.entered");
    BOOST_TEST_REQUIRE(mode.size() == 1u);
    BOOST_TEST(json::parse(mode.front().body).at("data").at("mode").as_string() == "critical");
    BOOST_TEST(json::parse(listed.body).at("instance").at("delivered").as_int64() == 4);
    BOOST_TEST(listed.body.find(secret.substr(6, 10)) == std::string::npos); // the secret is never shown
}

BOOST_AUTO_TEST_CASE(the_deliveries_are_the_admins_and_their_query_is_checked) {
    mock_upstream receiver;
    gateway_fixture gw(quota_yaml(receiver));
    BOOST_TEST(gw.get("/api/v1/webhooks/deliveries").status == 401);
    BOOST_TEST(deliveries(gw).status == 200);
    auto bad = deliveries(gw, "?limit=0");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json::parse(bad.body).at("error").at("param").as_string() == "limit");
    BOOST_TEST(deliveries(gw, "?state=lost").status == 400);
    BOOST_TEST(deliveries(gw, "?colour=blue").status == 400);
    BOOST_TEST(deliveries(gw, "?event_type=quota.thresholds").status == 400);
    auto config = http_call(gw.port(), "GET", "/api/v1/config", "", {{"Authorization", "Bearer " + admin_key}});
    BOOST_TEST(config.body.find("MfKQ9r8GKYqrTwjUPD8I") == std::string::npos);

    gateway_fixture without("admin: {api_key: " + admin_key + "}\n");
    BOOST_TEST(deliveries(without).status == 404);
}

BOOST_AUTO_TEST_CASE(a_threshold_crossed_on_two_instances_is_delivered_once) {
    redis_server redis;
    mock_upstream receiver;
    receiver.always(canned_reply::json(200, "{}"));
    auto const store = "store: {url: \"" + redis.url() + "\", timeout: 1s}\n";
    gateway_fixture a(quota_yaml(receiver, store)), b(quota_yaml(receiver, store));
    for (int i = 0; i < 2; ++i) {
        BOOST_TEST_REQUIRE(a.chat(chat_body("chat")).status == 200);
        BOOST_TEST_REQUIRE(b.chat(chat_body("chat")).status == 200);
    }
    BOOST_TEST(a.chat(chat_body("chat")).status == 429);
    BOOST_TEST(b.chat(chat_body("chat")).status == 429);
    BOOST_TEST_REQUIRE(eventually([&] { return of_type(receiver, "quota.threshold").size() >= 3; }));
    // Both instances have sent all they will: nothing queued or pending on either.
    BOOST_TEST(eventually([&] {
        auto ca = a.runtime().webhooks()->counts(), cb = b.runtime().webhooks()->counts();
        return ca.pending == 0 && cb.pending == 0 && ca.published == ca.delivered + ca.duplicates &&
               cb.published == cb.delivered + cb.duplicates;
    }));
    for (auto const& r : receiver.requests()) BOOST_TEST_MESSAGE(r.body);
    auto const events = of_type(receiver, "quota.threshold");
    BOOST_TEST(events.size() == 3u);
    BOOST_TEST((percents(events) == std::set<std::int64_t>{75, 90, 100}));
    // Either instance lists every delivery, whichever made it.
    for (auto* gw : {&a, &b}) {
        auto listed = deliveries(*gw, "?event_type=quota.threshold");
        BOOST_TEST_REQUIRE(listed.status == 200);
        BOOST_TEST(json::parse(listed.body).at("data").as_array().size() == 3u);
    }
}

BOOST_AUTO_TEST_CASE(a_key_both_instances_find_expiring_is_delivered_once) {
    redis_server redis;
    mock_upstream receiver;
    receiver.always(canned_reply::json(200, "{}"));
    auto const key = adapters::key_ring::mint("webhooks-test-secret-0123456789");
    auto const yaml = "store: {url: \"" + redis.url() + "\", timeout: 1s}\n" + expiring_key_yaml(key) +
                      webhooks_yaml(receiver);
    gateway_fixture a(yaml), b(yaml);
    // Both watches have found the key several times, each publishing the fact; the store turned
    // every report but the first away...
    BOOST_TEST_REQUIRE(eventually([&] {
        auto ca = a.runtime().webhooks()->counts(), cb = b.runtime().webhooks()->counts();
        return ca.duplicates >= 3 && cb.duplicates >= 3 && ca.pending == 0 && cb.pending == 0 && receiver.hits() >= 1;
    }));
    // ...so one of them delivered it, once.
    auto ca = a.runtime().webhooks()->counts(), cb = b.runtime().webhooks()->counts();
    BOOST_TEST(ca.delivered + cb.delivered == 1);
    auto const events = of_type(receiver, "key.expiring");
    BOOST_TEST_REQUIRE(events.size() == 1u);
    BOOST_TEST(signature_holds(events.front()));
    auto const data = json::parse(events.front().body).at("data");
    BOOST_TEST(data.at("key_id").as_string() == key.id);
    BOOST_TEST(data.at("tenant").as_string() == "acme");
    BOOST_TEST(data.at("expires_in_seconds").as_int64() > 71 * 3600);
}

// At least once: with the store gone, an event is still delivered (the receiver dedupes by
// webhook-id), once per instance however often its watch finds it; its record, kept in the
// store, cannot be listed until the store is back.
BOOST_AUTO_TEST_CASE(an_event_is_delivered_while_the_store_is_down) {
    redis_server redis;
    mock_upstream receiver;
    receiver.always(canned_reply::json(200, "{}"));
    auto const key = adapters::key_ring::mint("webhooks-test-secret-0123456789");
    auto const auth = expiring_key_yaml(key); // one expiry for both instances: one fact
    gateway_fixture gw("admin: {api_key: " + admin_key + "}\nstore: {url: \"" + redis.url() +
                       "\", timeout: 200ms}\n" + auth +
                       "webhooks:\n  poll: 20ms\n  watch_interval: 20ms\n  endpoints:\n"
                       "    ops: {url: \"" + receiver.base_url("/hooks") + "\", secret: " + secret + "}\n");
    // One instance delivers the fact with the store up; then the store dies and another instance
    // finds the key, many times.
    BOOST_TEST_REQUIRE(eventually([&] { return receiver.hits() >= 1; }));
    redis.kill();
    gateway_fixture second("admin: {api_key: " + admin_key + "}\nstore: {url: \"" + redis.url() +
                           "\", timeout: 200ms, connect_timeout: 200ms}\n" + auth +
                           "webhooks:\n  poll: 20ms\n  watch_interval: 20ms\n  endpoints:\n"
                           "    ops: {url: \"" + receiver.base_url("/hooks") + "\", secret: " + secret + "}\n");
    BOOST_TEST_REQUIRE(eventually([&] { return receiver.hits() >= 2; }));
    BOOST_TEST_REQUIRE(eventually([&] { return second.runtime().webhooks()->counts().duplicates >= 10; }));
    auto const events = of_type(receiver, "key.expiring");
    BOOST_TEST_REQUIRE(events.size() == 2u);
    BOOST_TEST(header_of(events[0], "webhook-id") == header_of(events[1], "webhook-id")); // the receiver's dedupe key
    BOOST_TEST(deliveries(second).status == 503); // the records live in the store
}

BOOST_AUTO_TEST_CASE(a_receiver_down_for_a_while_gets_the_event_when_it_is_back) {
    mock_upstream receiver;
    std::atomic<int> seen{0};
    receiver.reply_with([&](recorded_request const&) {
        switch (seen.fetch_add(1)) {
        case 0:
            return canned_reply::reset_connection(); // the connection drops
        case 1:
        case 2:
            return canned_reply::json(503, R"({"error":"restarting"})");
        default:
            return canned_reply::json(200, "{}");
        }
    });
    auto const key = adapters::key_ring::mint("webhooks-test-secret-0123456789");
    gateway_fixture gw("admin: {api_key: " + admin_key + "}\n" + expiring_key_yaml(key) + webhooks_yaml(receiver));
    client_response listed;
    BOOST_TEST_REQUIRE(eventually(
        [&] {
            listed = deliveries(gw, "?state=delivered");
            return listed.status == 200 && !json::parse(listed.body).at("data").as_array().empty();
        },
        10s));
    auto const d = json::parse(listed.body).at("data").at(0);
    BOOST_TEST(d.at("event_type").as_string() == "key.expiring");
    BOOST_TEST(d.at("attempts").as_int64() == 4);
    BOOST_TEST(d.at("last_status").as_int64() == 200);
    auto const requests = receiver.requests();
    BOOST_TEST_REQUIRE(requests.size() == 4u);
    for (auto const& r : requests) {
        BOOST_TEST(header_of(r, "webhook-id") == d.at("event_id").as_string()); // one event, retried
        BOOST_TEST(signature_holds(r));
    }
    // The schedule's waits were kept between attempts (150 ms, 300 ms, 600 ms at least).
    BOOST_TEST((requests[1].at - requests[0].at >= 140ms));
    BOOST_TEST((requests[3].at - requests[2].at >= 590ms));
}

BOOST_AUTO_TEST_CASE(a_delivery_that_never_succeeds_ends_failed_after_its_schedule) {
    mock_upstream receiver;
    receiver.always(canned_reply::json(500, "{}"));
    auto const key = adapters::key_ring::mint("webhooks-test-secret-0123456789");
    gateway_fixture gw("admin: {api_key: " + admin_key + "}\n" + expiring_key_yaml(key) + webhooks_yaml(receiver));
    client_response listed;
    BOOST_TEST_REQUIRE(eventually(
        [&] {
            listed = deliveries(gw, "?state=failed");
            return listed.status == 200 && !json::parse(listed.body).at("data").as_array().empty();
        },
        10s));
    auto const d = json::parse(listed.body).at("data").at(0);
    BOOST_TEST(d.at("attempts").as_int64() == 5); // the first attempt and one per wait
    BOOST_TEST(d.at("last_error").as_string() == "status 500");
    BOOST_TEST(receiver.hits() == 5u);
    auto const metrics = gw.get("/metrics").body;
    BOOST_TEST(metrics.find("switchboard_webhook_deliveries_total{outcome=\"failed\"} 1") != std::string::npos, metrics);
}

// The resilience state's breaker and mode events, on an injected clock.
BOOST_AUTO_TEST_CASE(breakers_opening_and_closing_and_the_mode_changing_are_published) {
    captured_events sink;
    adapters::resilience_state state;
    state.report_to(&sink, "host-a/x1", [] { return std::int64_t{1'780'000'000'000}; });
    domain::breaker_config breaker;
    breaker.failure_threshold = 2;
    breaker.open_for = std::chrono::seconds(10);
    domain::time_point const t0{std::chrono::seconds(1000)};
    std::string const key = "primary/model";
    for (int i = 0; i < 2; ++i) {
        BOOST_TEST_REQUIRE((state.admit(key, breaker, t0) == domain::breaker_admission::allow));
        state.report(key, domain::call_result::failure, t0, std::nullopt, false);
    }
    BOOST_TEST((sink.types() == std::vector<std::string>{"breaker.opened"}));
    // Its half-open probe fails: still the same outage, no new event.
    auto const t1 = t0 + std::chrono::seconds(11);
    BOOST_TEST_REQUIRE((state.admit(key, breaker, t1) == domain::breaker_admission::probe));
    state.report(key, domain::call_result::failure, t1, std::nullopt, false);
    BOOST_TEST(sink.types().size() == 1u);
    auto const t2 = t1 + std::chrono::seconds(11);
    BOOST_TEST_REQUIRE((state.admit(key, breaker, t2) == domain::breaker_admission::probe));
    state.report(key, domain::call_result::success, t2, std::nullopt, false);
    BOOST_TEST((sink.types() == std::vector<std::string>{"breaker.opened", "breaker.closed"}));
    BOOST_TEST(sink.events.back().data.at("deployment").as_string() == key);
    BOOST_TEST(sink.events.back().data.at("instance").as_string() == "host-a/x1");

    // 60 calls waiting for capacity: degraded; then calm for longer than calm_for: normal again.
    state.on_queue_change(60);
    state.on_request(t2);
    state.on_request(t2 + std::chrono::seconds(1)); // still degraded: no second event
    state.on_queue_change(-60);
    state.on_request(t2 + std::chrono::seconds(2));
    state.on_request(t2 + std::chrono::seconds(40));
    auto const types = sink.types();
    BOOST_TEST_REQUIRE(types.size() == 4u);
    BOOST_TEST(types[2] == "degraded_mode.entered");
    BOOST_TEST(types[3] == "degraded_mode.left");
    BOOST_TEST(sink.events[2].data.at("mode").as_string() == "degraded");
}

// A ledger store that refuses every batch.
struct refusing_store final : adapters::ledger_store {
    void append(std::vector<domain::ledger::usage_row> const&) override { throw adapters::ledger_error("disk full"); }
    std::vector<domain::ledger::usage_sums> sum(domain::ledger::usage_query const&) override { return {}; }
    std::vector<domain::ledger::failed_call> recent_errors(domain::ledger::usage_query const&, std::size_t) override {
        return {};
    }
    std::size_t forget_before(std::int64_t, std::size_t) override { return 0; }
    std::size_t forget_payloads_before(std::int64_t, std::size_t) override { return 0; }
    int schema_version() override { return 2; }
};

// The watch, on an injected clock: keys expiring within the notice (not the expired, revoked or
// lasting ones), and ledger rows lost since its last look.
BOOST_AUTO_TEST_CASE(the_watch_reports_expiring_keys_and_lost_ledger_rows) {
    std::int64_t const now_ms = 1'780'000'000'000, now = now_ms / 1000;
    auto record = [&](std::string id, std::int64_t expires, bool revoked = false) {
        domain::key_record k;
        k.id = std::move(id);
        k.secret_hash = std::string(64, 'a');
        k.grant.key_id = k.id;
        k.grant.tenant = "acme";
        k.grant.expires_unix = expires;
        k.revoked_unix = revoked ? now - 10 : 0;
        return k;
    };
    adapters::key_directory keys("watch-test-secret-0123456789",
                                 {record("soon", now + 2 * 86'400), record("later", now + 30 * 86'400),
                                  record("lasting", 0), record("gone", now - 60), record("revoked", now + 3600, true)},
                                 {"acme"});
    adapters::ledger_writer ledger(std::make_shared<refusing_store>(), {}, [=] { return now_ms; });
    captured_events sink;
    adapters::event_watch watch{sink, "host-a/x1", 7 * 24h, &keys, &ledger};
    watch.look(now_ms);
    BOOST_TEST((sink.types() == std::vector<std::string>{"key.expiring"}));
    BOOST_TEST(sink.events[0].data.at("key_id").as_string() == "soon");

    domain::ledger::usage_row row;
    row.request_id = "r1";
    for (int i = 0; i < 3; ++i) ledger.push(row);
    ledger.flush();
    watch.look(now_ms + 60'000);
    auto types = sink.types();
    BOOST_TEST_REQUIRE(types.size() == 3u); // the key again (the store dedupes it), and the loss
    BOOST_TEST(types[2] == "ledger.dropped");
    BOOST_TEST(sink.events[2].data.at("dropped").as_int64() == 3);
    BOOST_TEST(sink.events[0].identity == sink.events[1].identity);
    watch.look(now_ms + 120'000); // nothing lost since: no second ledger event
    BOOST_TEST(sink.types().size() == 4u);
}

// A sender whose queue is full drops and counts, never blocks the publisher.
BOOST_AUTO_TEST_CASE(a_full_queue_drops_and_counts) {
    net::ssl::context tls(net::ssl::context::tls_client);
    adapters::webhook_options options;
    options.endpoints.push_back({"ops", "http://127.0.0.1:9/", secret, {}, false, false});
    options.max_queued = 2;
    adapters::webhook_sender sender(options, tls, [] { return std::int64_t{1'780'000'000'000}; });
    for (int i = 0; i < 5; ++i)
        sender.publish(domain::webhooks::ledger_drop_event(1, i + 1, "host-a/x1", 1'780'000'000'000));
    auto const c = sender.counts();
    BOOST_TEST(c.published == 2);
    BOOST_TEST(c.dropped == 3);
}

BOOST_AUTO_TEST_SUITE_END()
