// The `webhooks:` section: where operators are told of thresholds, breakers, the mode, expiring
// keys and ledger losses (adapters/webhooks/webhook_sender.hpp), and how deliveries are retried.
#include "server/config_sections.hpp"

#include "domain/webhooks/standard_webhooks.hpp"

namespace switchboard::server {
namespace json = boost::json;
using std::chrono::hours;
using std::chrono::milliseconds;

namespace {
using E = adapters::webhook_endpoint;
using S = adapters::webhook_options;
namespace wh = domain::webhooks;

config_field<E> events_field() {
    return {"events",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, E& e) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of event types");
                e.events.clear();
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const item = path + "[" + std::to_string(i) + "]";
                    auto v = rd.string(n[i], item);
                    if (!v) continue;
                    if (auto t = wh::parse_event_type(*v))
                        e.events.push_back(*t);
                    else
                        rd.fail(item, "is not an event type (quota.threshold, budget.threshold, breaker.opened, "
                                      "breaker.closed, degraded_mode.entered, degraded_mode.left, key.expiring, "
                                      "ledger.dropped)");
                }
            },
            [](E const& e) {
                json::array out;
                for (auto t : e.events) out.emplace_back(wh::type_name(t));
                return json::value(std::move(out));
            }};
}

field_list<E> endpoint_fields() {
    static config_field<E> const fields[] = {
        field::text<E>("url", &E::url),
        {"secret", field::text<E>("secret", &E::secret).read,
         [](E const& e) { return json::value(adapters::mask_secret(e.secret)); }},
        events_field(),
        field::flag<E>("allow_private_network", &E::allow_private_network),
        field::flag<E>("allow_insecure_http", &E::allow_insecure_http),
    };
    return fields;
}

// The URL obeys the upstream rules (plain http only to loopback unless declared); the secret is a
// Standard Webhooks one.
void check_endpoint(config_reader& rd, E const& e, std::string const& path) {
    if (e.url.empty())
        rd.fail(path + ".url", "is required");
    else
        check_destination_url(rd, e.url, e.allow_insecure_http, path + ".url");
    if (e.secret.empty())
        rd.fail(path + ".secret", "is required: whsec_ followed by the base64 of 24 to 64 random bytes (use \"${ENV_VAR}\")");
    else if (!wh::secret_key(e.secret))
        rd.fail(path + ".secret", "must be whsec_ followed by the base64 of 24 to 64 random bytes");
}

config_field<S> endpoints_field() {
    return {"endpoints",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (!n.IsMap()) return rd.fail(path, "must map endpoint names to {url, secret, events}");
                s.endpoints.clear();
                for (auto const& kv : n) {
                    E e;
                    e.name = kv.first.as<std::string>();
                    auto const at = path + "." + e.name;
                    read_section(rd, kv.second, at, endpoint_fields(), e);
                    check_endpoint(rd, e, at);
                    s.endpoints.push_back(std::move(e));
                }
            },
            [](S const& s) {
                json::object out;
                for (auto const& e : s.endpoints) out[e.name] = describe_section(endpoint_fields(), e);
                return json::value(std::move(out));
            }};
}

// The waits between attempts: 1 to 20 durations, each 100 ms to 1 day.
config_field<S> retry_waits_field() {
    return {"retry_waits",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (!n.IsSequence() || n.size() > 20) return rd.fail(path, "must be a list of at most 20 durations");
                s.policy.retry_waits.clear();
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const item = path + "[" + std::to_string(i) + "]";
                    auto v = rd.duration(n[i], item);
                    if (v && (*v < milliseconds(100) || *v > hours(24)))
                        rd.fail(item, "must be between 100ms and 24h");
                    else if (v)
                        s.policy.retry_waits.push_back(*v);
                }
            },
            [](S const& s) {
                json::array out;
                for (auto w : s.policy.retry_waits)
                    out.emplace_back(ms_text(std::chrono::duration_cast<milliseconds>(w)));
                return json::value(std::move(out));
            }};
}
} // namespace

field_list<adapters::webhook_options> webhook_fields() {
    static config_field<S> const fields[] = {
        endpoints_field(),
        retry_waits_field(),
        field::duration<S>("timeout", [](auto& s) -> auto& { return s.policy.timeout; }, milliseconds(100),
                           milliseconds(60'000)),
        field::duration<S>("poll", &S::poll, milliseconds(10), milliseconds(60'000)),
        field::duration<S>("dedupe_for", &S::dedupe_for, milliseconds(1000), hours(24 * 400)),
        field::duration<S>("keep_deliveries", &S::keep_deliveries, milliseconds(1000), hours(24 * 400)),
        field::duration<S>("key_expiry_notice", &S::key_expiry_notice, milliseconds(1000), hours(24 * 400)),
        field::duration<S>("watch_interval", &S::watch_interval, milliseconds(10), hours(24)),
        field::integer<S>("max_queued", &S::max_queued, 1, 1'000'000),
    };
    return fields;
}

} // namespace switchboard::server
