// Standard Webhooks: the secret's form and what is signed.
#include "domain/webhooks/standard_webhooks.hpp"

#include "domain/base64.hpp"

namespace switchboard::domain::webhooks {

std::optional<std::string> secret_key(std::string_view secret) {
    constexpr std::string_view prefix = "whsec_";
    if (!secret.starts_with(prefix)) return std::nullopt;
    auto key = base64_decode(secret.substr(prefix.size()));
    if (!key || key->size() < 24 || key->size() > 64) return std::nullopt;
    return key;
}

std::string signed_content(std::string_view id, std::int64_t unix_seconds, std::string_view body) {
    std::string out;
    out.reserve(id.size() + body.size() + 24);
    out.append(id).append(".").append(std::to_string(unix_seconds)).append(".").append(body);
    return out;
}

std::string signature_entry(std::string_view mac) {
    return "v1," + base64_encode(mac);
}

} // namespace switchboard::domain::webhooks
