// libFuzzer target: a JWKS document (from a file or an identity provider's URL) read into
// verification keys. Nothing may crash or leak; every key kept has a fixed asymmetric
// algorithm and a PEM public key.
#include "adapters/auth/jwks.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    if (auto keys = switchboard::adapters::read_jwks(text))
        for (auto const& k : *keys)
            if ((k.alg != "RS256" && k.alg != "ES256") || k.material.rfind("-----BEGIN PUBLIC KEY-----", 0) != 0)
                std::abort();
    return 0;
}
