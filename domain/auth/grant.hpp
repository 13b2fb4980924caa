#pragma once
// What a caller may do, from the credential it presented, and the decisions taken on it: is the
// grant still valid, may it use this route's scope, this model, and for which tenant does the
// call act. Pure: the time comes in as a Unix second, the known tenants as a set.
//
// Errors: an expired grant is `unauthorized` (401: the credential no longer works); a scope,
// model or tenant not allowed is `forbidden` (403: the credential works, not for this).
#include "domain/auth/key_limits.hpp"
#include "domain/errors.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

// The scopes a route needs (api_routes.cpp) and a grant may hold.
enum class access_scope : unsigned {
    chat = 1,       // /v1/chat/completions, the WebSocket stream
    embeddings = 2, // /v1/embeddings
    models = 4,     // /v1/models
    usage = 8,      // its own tenant's quotas, stats and budgets
    admin = 16,     // keys, tenants, every tenant's data, the config
    services = 32,  // REST services (/api/v1/services/…) and the passthrough (/api/v1/proxy/…)
};
std::optional<access_scope> parse_access_scope(std::string_view name);
std::string_view access_scope_name(access_scope s);
inline constexpr unsigned every_call_scope = 1 | 2 | 4 | 8 | 32; // what a key holds unless it says

struct caller_grant {
    std::string key_id; // the credential's public id (logs, metrics); empty for anonymous
    std::string tenant; // the tenant it belongs to
    std::string user;   // optional
    unsigned scopes = every_call_scope;
    std::vector<std::string> models;   // public model names it may call; empty: every model
    std::vector<std::string> acts_for; // other tenants it may name in X-Tenant-Id; "*": any known one
    std::int64_t expires_unix = 0;     // 0: never
    key_limits limits;                 // its own limits and budgets (a key's; none for other tokens)

    bool holds(access_scope s) const { return (scopes & static_cast<unsigned>(s)) != 0; }
};

// Whether the grant may be used at `now_unix` for a route that needs `needed` (nullopt: yes).
std::optional<gateway_error> check_access(caller_grant const& grant, access_scope needed, std::int64_t now_unix);

// Whether the grant may call `model` (its public name as the client sent it).
std::optional<gateway_error> check_model(caller_grant const& grant, std::string_view model);

// The tenant the call acts for: the grant's own when `tenant_header` is empty or names it; the
// named one when the grant may act for it and it is known; else forbidden — a caller never moves
// another tenant's usage, and an unknown tenant never gets a quota of its own.
result<std::string> acting_tenant(caller_grant const& grant, std::string_view tenant_header,
                                  std::set<std::string, std::less<>> const& known_tenants);

} // namespace switchboard::domain
