#pragma once
// SHA-256 of a byte string. OpenSSL 3's one-shot SHA256() looks the algorithm up by name on
// every call (EVP_Q_digest: a fetch under a lock), which cost more than hashing a request body;
// this keeps the fetched algorithm and a digest context per thread.
#include <array>
#include <string_view>

namespace switchboard::adapters {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest sha256(std::string_view bytes);

} // namespace switchboard::adapters
