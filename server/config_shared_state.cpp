// store / limits / quotas sections.
#include "server/config_shared_state.hpp"

#include "adapters/http/client_ip.hpp"
#include "adapters/store/redis/redis_url.hpp"

namespace switchboard::server {

void read_fail_mode(config_reader& r, YAML::Node const& n, std::string const& path, domain::fail_mode& mode) {
    auto v = r.string(n, path);
    if (!v) return;
    if (*v == "fail_open")
        mode = domain::fail_mode::open;
    else if (*v == "fail_closed")
        mode = domain::fail_mode::closed;
    else
        r.fail(path, "must be fail_open or fail_closed");
}

void read_store(config_reader& r, YAML::Node const& n, store_settings& s) {
    if (!n.IsMap()) return r.fail("store", "must be a mapping");
    r.only_keys(n, "store", {"url", "timeout", "connect_timeout", "local_fraction", "reservation_lease"});
    r.set(n, "store", "reservation_lease", s.reservation_lease,
          [&](auto const& v, auto const& p) { return r.duration(v, p); });
    r.set(n, "store", "url", s.url, [&](auto const& v, auto const& p) { return r.string(v, p); });
    r.set(n, "store", "timeout", s.timeout, [&](auto const& v, auto const& p) { return r.duration(v, p); });
    r.set(n, "store", "connect_timeout", s.connect_timeout,
          [&](auto const& v, auto const& p) { return r.duration(v, p); });
    if (auto f = n["local_fraction"])
        if (auto x = r.number(f, "store.local_fraction")) {
            if (*x <= 0 || *x > 1)
                r.fail("store.local_fraction", "must be a fraction above 0 and at most 1");
            else
                s.local_fraction = *x;
        }
}

void read_limits(config_reader& r, YAML::Node const& n, std::vector<domain::rate_limit_rule>& rules) {
    if (!n.IsSequence()) return r.fail("limits", "must be a list of {per, requests, window, route?}");
    rules.clear();
    for (std::size_t i = 0; i < n.size(); ++i) {
        auto const path = "limits[" + std::to_string(i) + "]";
        auto const& item = n[i];
        if (!item.IsMap()) {
            r.fail(path, "must be a mapping");
            continue;
        }
        r.only_keys(item, path, {"route", "per", "requests", "window", "on_store_error"});
        domain::rate_limit_rule rule;
        if (auto route = item["route"]) {
            if (auto v = r.string(route, path + ".route")) {
                if (v->empty() || v->front() != '/')
                    r.fail(path + ".route", "must be a path starting with /");
                else
                    rule.route = *v;
            }
        }
        if (auto per = item["per"]) {
            auto v = r.string(per, path + ".per");
            if (v == "ip")
                rule.per = domain::limit_scope::ip;
            else if (v == "key")
                rule.per = domain::limit_scope::key;
            else if (v == "tenant")
                rule.per = domain::limit_scope::tenant;
            else if (v == "global")
                rule.per = domain::limit_scope::global;
            else if (v)
                r.fail(path + ".per", "must be one of ip, key, tenant, global");
        } else {
            r.fail(path + ".per", "is required (ip, key, tenant or global)");
        }
        if (auto req = item["requests"]) {
            if (auto v = r.integer(req, path + ".requests", 1, 1'000'000)) rule.requests = *v;
        } else {
            r.fail(path + ".requests", "is required");
        }
        if (auto w = item["window"])
            if (auto d = r.duration(w, path + ".window")) rule.window = *d;
        if (auto m = item["on_store_error"]) read_fail_mode(r, m, path + ".on_store_error", rule.on_store_error);
        rules.push_back(std::move(rule));
    }
}

namespace {
void read_quota_limits(config_reader& r, YAML::Node const& n, std::string const& path, domain::quota_limits& l) {
    if (!n.IsMap()) return r.fail(path, "must be a mapping");
    r.only_keys(n, path, {"requests_per_day", "tokens_per_day", "tokens_per_month"});
    auto count = [&](auto const& v, auto const& p) { return r.integer(v, p, 0, 1'000'000'000'000'000); };
    r.set(n, path, "requests_per_day", l.requests_per_day, count);
    r.set(n, path, "tokens_per_day", l.tokens_per_day, count);
    r.set(n, path, "tokens_per_month", l.tokens_per_month, count);
}
} // namespace

void read_quotas(config_reader& r, YAML::Node const& n, adapters::quota_policy& q) {
    if (!n.IsMap()) return r.fail("quotas", "must be a mapping");
    r.only_keys(n, "quotas", {"providers", "tenants", "on_store_error"});
    if (auto m = n["on_store_error"]) read_fail_mode(r, m, "quotas.on_store_error", q.on_store_error);
    if (auto p = n["providers"]) {
        if (!p.IsMap())
            r.fail("quotas.providers", "must map provider names to limits");
        else
            for (auto const& kv : p) {
                auto const name = kv.first.as<std::string>();
                read_quota_limits(r, kv.second, "quotas.providers." + name, q.providers[name]);
            }
    }
    if (auto t = n["tenants"]) {
        if (!t.IsMap())
            return r.fail("quotas.tenants", "must map tenant names to limits");
        for (auto const& kv : t) {
            auto const name = kv.first.as<std::string>();
            auto& limits = q.tenants[name]; // "default" starts from the built-in default
            read_quota_limits(r, kv.second, "quotas.tenants." + name, limits);
        }
    }
}

void read_trusted_proxies(config_reader& r, YAML::Node const& n, std::vector<std::string>& out) {
    if (!n.IsSequence()) return r.fail("server.trusted_proxies", "must be a list of addresses or CIDR blocks");
    out.clear();
    for (std::size_t i = 0; i < n.size(); ++i)
        if (auto v = r.string(n[i], "server.trusted_proxies[" + std::to_string(i) + "]")) out.push_back(*v);
    if (auto parsed = adapters::trusted_proxies::parse(out); !parsed) r.fail("server.trusted_proxies", parsed.error());
}

} // namespace switchboard::server
