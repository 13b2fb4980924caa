// Cache decisions from the group's settings and the client's headers.
#include "domain/cache/cache_policy.hpp"

#include "domain/ascii.hpp"
#include "domain/auth/key_record.hpp"

#include <charconv>

namespace switchboard::domain {
namespace {
constexpr std::size_t max_tags = 16;

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A namespace or tag: the rule of a tenant name (1..64 letters, digits, '-', '_', '.', ':').
bool valid_label(std::string_view s) {
    return valid_tenant_name(s);
}

gateway_error bad_header(std::string_view header, std::string_view rule) {
    return make_error(errc::invalid_request, std::string(header) + " " + std::string(rule), std::string(header));
}
} // namespace

result<cache_control> parse_cache_control(std::string_view header, std::string_view ttl, std::string_view ns,
                                          std::string_view tags, std::string_view semantic) {
    cache_control c;
    for (std::size_t start = 0; start <= header.size();) {
        auto const end = std::min(header.find(',', start), header.size());
        auto const directive = ascii_lowered(trimmed(header.substr(start, end - start)));
        if (directive == "no-cache") c.no_read = true;
        if (directive == "no-store") c.no_store = true;
        start = end + 1;
    }
    if (!ttl.empty()) {
        std::int64_t v = -1;
        auto [p, ec] = std::from_chars(ttl.data(), ttl.data() + ttl.size(), v);
        if (ec != std::errc{} || p != ttl.data() + ttl.size() || v < 0 || v > 366LL * 86400)
            return bad_header("x-switchboard-cache-ttl", "must be a whole number of seconds from 0 to 31622400");
        c.ttl = seconds(v);
    }
    if (!ns.empty()) {
        if (!valid_label(ns))
            return bad_header("x-switchboard-cache-namespace", "must be 1 to 64 letters, digits, '-', '_', '.' or ':'");
        c.cache_namespace = std::string(ns);
    }
    for (std::size_t start = 0; !tags.empty() && start <= tags.size();) {
        auto const end = std::min(tags.find(',', start), tags.size());
        auto const tag = trimmed(tags.substr(start, end - start));
        if (!valid_label(tag) || c.tags.size() == max_tags)
            return bad_header("x-switchboard-cache-tags",
                              "must be at most 16 comma-separated tags of 1 to 64 letters, digits, '-', '_', '.' or ':'");
        c.tags.emplace_back(tag);
        start = end + 1;
    }
    if (!semantic.empty()) {
        if (semantic == "on" || semantic == "true")
            c.semantic = true;
        else if (semantic == "off" || semantic == "false")
            c.semantic = false;
        else
            return bad_header("x-switchboard-cache-semantic", "must be on or off");
    }
    return c;
}

bool deterministic(chat_request const& r) {
    return (r.temperature && *r.temperature == 0.0) || (r.top_p && *r.top_p == 0.0);
}

cache_plan plan_cache(cache_settings const& settings, cache_control const& control, chat_request const& request,
                      std::string_view tenant, std::string_view shared_namespace, bool pressed) {
    cache_plan plan;
    bool const opted_in = deterministic(request) || settings.nondeterministic || control.ttl.has_value();
    if (!settings.enabled || (!opted_in && !pressed)) return plan;
    plan.ttl = control.ttl ? std::min(*control.ttl, settings.ttl) : settings.ttl;
    plan.read = !control.no_read;
    plan.write = opted_in && !control.no_store && plan.ttl.count() > 0;
    plan.semantic = control.semantic.value_or(settings.semantic || pressed);
    // A tenant's own namespaces stay its own: a client-named namespace lives under its tenant.
    std::string const base(shared_namespace.empty() ? tenant : shared_namespace);
    plan.cache_namespace = control.cache_namespace.empty() ? base : base + "/" + control.cache_namespace;
    plan.tags = control.tags;
    return plan;
}

} // namespace switchboard::domain
