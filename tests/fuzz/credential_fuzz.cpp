// libFuzzer target: a credential as a caller sends it (the Authorization header's token), the
// key expiry dates of the config, and the tenant rules on an X-Tenant-Id value. A parsed key is
// exactly prefix + id + "_" + secret of the input; a tenant granted is the key's own or a known one.
#include "domain/auth/api_key.hpp"
#include "domain/auth/grant.hpp"
#include "domain/calendar.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    if (auto key = parse_api_key(text)) {
        if (!valid_api_key_id(key->id) || key->secret.size() != api_key_secret_length) std::abort();
        if (std::string(api_key_prefix) + std::string(key->id) + "_" + std::string(key->secret) != text) std::abort();
    }
    (void)parse_utc_time(text);
    (void)parse_access_scope(text);
    static std::set<std::string, std::less<>> const known{"acme", "beta"};
    caller_grant grant;
    grant.tenant = "acme";
    grant.acts_for = {"beta", "*"};
    auto tenant = acting_tenant(grant, text, known);
    if (tenant && *tenant != "acme" && !known.contains(*tenant)) std::abort();
    return 0;
}
