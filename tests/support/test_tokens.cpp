// Key pairs, JWKs and signed JWTs for the tests, with OpenSSL 3 and libjwt.
#include "tests/support/test_tokens.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <stdexcept>

namespace switchboard::testing {

namespace {
std::string pem(EVP_PKEY* key, bool private_part) {
    BIO* out = BIO_new(BIO_s_mem());
    int const ok = private_part ? PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr)
                                : PEM_write_bio_PUBKEY(out, key);
    char* data = nullptr;
    long const n = BIO_get_mem_data(out, &data);
    std::string text(data, static_cast<std::size_t>(n));
    BIO_free(out);
    if (ok != 1) throw std::runtime_error("PEM_write failed");
    return text;
}

std::string bn_bytes(EVP_PKEY* key, char const* name, std::size_t width = 0) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no key parameter");
    std::string out(width ? width : static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    if (width)
        BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(width));
    else
        BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
}
} // namespace

std::string base64url(std::string const& bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (unsigned char c : bytes) {
        bits = (bits << 8) | c;
        count += 8;
        while (count >= 6) {
            count -= 6;
            out += alphabet[(bits >> count) & 63];
        }
    }
    if (count > 0) out += alphabet[(bits << (6 - count)) & 63];
    return out;
}

signing_key make_rsa_key(std::string kid) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    signing_key k{"RS256", kid, pem(key, true), pem(key, false), {}};
    k.jwk = R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")" + kid + R"(","n":")" +
            base64url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")" +
            base64url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_E)) + R"("})";
    EVP_PKEY_free(key);
    return k;
}

signing_key make_ec_key(std::string kid) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    signing_key k{"ES256", kid, pem(key, true), pem(key, false), {}};
    k.jwk = R"({"kty":"EC","crv":"P-256","kid":")" + kid + R"(","x":")" +
            base64url(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)) + R"(","y":")" +
            base64url(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)) + R"("})";
    EVP_PKEY_free(key);
    return k;
}

std::string jwks_of(std::initializer_list<signing_key const*> keys) {
    std::string out = R"({"keys":[)";
    for (auto const* k : keys) out += (out.back() == '[' ? "" : ",") + k->jwk;
    return out + "]}";
}

std::string sign_jwt(std::string const& claims, std::string const& alg, std::string const& key,
                     std::string const& kid) {
    jwt_t* token = nullptr;
    jwt_new(&token);
    if (jwt_add_grants_json(token, claims.c_str()) != 0) throw std::runtime_error("bad claims");
    if (!kid.empty()) jwt_add_header(token, "kid", kid.c_str());
    if (jwt_set_alg(token, jwt_str_alg(alg.c_str()), reinterpret_cast<unsigned char const*>(key.data()),
                    static_cast<int>(key.size())) != 0)
        throw std::runtime_error("jwt_set_alg failed");
    char* text = jwt_encode_str(token);
    if (!text) throw std::runtime_error("jwt_encode_str failed");
    std::string out(text);
    free(text); // libjwt 1.10 allocates with malloc
    jwt_free(token);
    return out;
}

std::string raw_jwt(std::string const& header, std::string const& claims, std::string const& signature) {
    return base64url(header) + "." + base64url(claims) + "." + base64url(signature);
}

} // namespace switchboard::testing
