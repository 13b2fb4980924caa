// Decisions on a caller's grant.
#include "domain/auth/grant.hpp"

#include "domain/json_checks.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace switchboard::domain {
namespace {
constexpr std::array<std::pair<access_scope, std::string_view>, 6> scope_names{{
    {access_scope::chat, "chat"},
    {access_scope::embeddings, "embeddings"},
    {access_scope::models, "models"},
    {access_scope::usage, "usage"},
    {access_scope::admin, "admin"},
    {access_scope::services, "services"},
}};
} // namespace

std::optional<access_scope> parse_access_scope(std::string_view name) {
    for (auto const& [scope, text] : scope_names)
        if (text == name) return scope;
    return std::nullopt;
}

std::string_view access_scope_name(access_scope s) {
    for (auto const& [scope, text] : scope_names)
        if (scope == s) return text;
    return "chat";
}

std::optional<gateway_error> check_access(caller_grant const& grant, access_scope needed, std::int64_t now_unix) {
    if (grant.expires_unix != 0 && now_unix >= grant.expires_unix)
        return make_error(errc::unauthorized, "This API key has expired");
    if (!grant.holds(needed) && !grant.holds(access_scope::admin))
        return make_error(errc::forbidden,
                          "This API key does not have the '" + std::string(access_scope_name(needed)) + "' scope");
    return std::nullopt;
}

std::optional<gateway_error> check_model(caller_grant const& grant, std::string_view model) {
    if (grant.models.empty() || std::find(grant.models.begin(), grant.models.end(), model) != grant.models.end())
        return std::nullopt;
    return make_error(errc::forbidden, "This API key may not use the model '" + truncate_for_message(model, 64) + "'",
                      "model");
}

result<std::string> acting_tenant(caller_grant const& grant, std::string_view tenant_header,
                                  std::set<std::string, std::less<>> const& known_tenants) {
    if (tenant_header.empty() || tenant_header == grant.tenant) return grant.tenant;
    auto const& list = grant.acts_for;
    bool const any = std::find(list.begin(), list.end(), "*") != list.end();
    bool const named = std::find(list.begin(), list.end(), tenant_header) != list.end();
    if ((any || named) && known_tenants.contains(tenant_header)) return std::string(tenant_header);
    return make_error(errc::forbidden,
                      "This API key may not act for the tenant '" + truncate_for_message(tenant_header, 64) + "'",
                      "X-Tenant-Id");
}

} // namespace switchboard::domain
