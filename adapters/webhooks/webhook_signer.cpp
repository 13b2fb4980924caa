// HMAC-SHA256 through OpenSSL 3's EVP_Q_mac (a delivery is rare: no cached context needed).
#include "adapters/webhooks/webhook_signer.hpp"

#include "domain/webhooks/standard_webhooks.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace switchboard::adapters {

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t length = 0;
    char digest[] = "SHA256";
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                   reinterpret_cast<unsigned char const*>(data.data()), data.size(), out, sizeof out, &length))
        throw std::runtime_error("HMAC-SHA256 failed");
    return std::string(reinterpret_cast<char const*>(out), length);
}

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t unix_seconds,
                              std::string_view body) {
    return domain::webhooks::signature_entry(
        hmac_sha256(key, domain::webhooks::signed_content(id, unix_seconds, body)));
}

} // namespace switchboard::adapters
