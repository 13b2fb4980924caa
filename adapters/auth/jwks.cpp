// JWKS → PEM public keys, with OpenSSL 3's EVP_PKEY_fromdata.
#include "adapters/auth/jwks.hpp"

#include "domain/base64.hpp"

#include <boost/json/parse.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>
#include <optional>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
template <class T, void (*Free)(T*)> struct deleter {
    void operator()(T* p) const { Free(p); }
};
using bignum = std::unique_ptr<BIGNUM, deleter<BIGNUM, BN_free>>;
using param_builder = std::unique_ptr<OSSL_PARAM_BLD, deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params = std::unique_ptr<OSSL_PARAM, deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using key_context = std::unique_ptr<EVP_PKEY_CTX, deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using public_key = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using bio = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;

std::optional<std::string> member_bytes(json::object const& o, std::string_view name) {
    auto const* v = o.if_contains(name);
    if (!v || !v->is_string()) return std::nullopt;
    return domain::base64url_decode(v->as_string());
}

std::string text_member(json::object const& o, std::string_view name) {
    auto const* v = o.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> pem_of(EVP_PKEY* key) {
    bio out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_PUBKEY(out.get(), key) != 1) return std::nullopt;
    char* data = nullptr;
    long const n = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::optional<std::string> from_params(char const* type, OSSL_PARAM_BLD* builder) {
    params p(OSSL_PARAM_BLD_to_param(builder));
    key_context ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!p || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, p.get()) != 1)
        return std::nullopt;
    public_key key(raw);
    return pem_of(key.get());
}

std::optional<std::string> rsa_pem(json::object const& jwk) {
    auto n = member_bytes(jwk, "n"), e = member_bytes(jwk, "e");
    if (!n || !e || n->size() < 256 || e->empty()) return std::nullopt; // RSA under 2048 bits: refused
    bignum bn_n(BN_bin2bn(reinterpret_cast<unsigned char const*>(n->data()), static_cast<int>(n->size()), nullptr));
    bignum bn_e(BN_bin2bn(reinterpret_cast<unsigned char const*>(e->data()), static_cast<int>(e->size()), nullptr));
    param_builder b(OSSL_PARAM_BLD_new());
    if (!bn_n || !bn_e || !b || OSSL_PARAM_BLD_push_BN(b.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(b.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        return std::nullopt;
    return from_params("RSA", b.get());
}

std::optional<std::string> ec_pem(json::object const& jwk) {
    if (text_member(jwk, "crv") != "P-256") return std::nullopt;
    auto x = member_bytes(jwk, "x"), y = member_bytes(jwk, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32) return std::nullopt;
    std::string point = "\x04" + *x + *y; // uncompressed SEC1 point
    param_builder b(OSSL_PARAM_BLD_new());
    if (!b || OSSL_PARAM_BLD_push_utf8_string(b.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(b.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return std::nullopt;
    return from_params("EC", b.get());
}

std::optional<jwt_key> key_of(json::object const& jwk) {
    auto const kty = text_member(jwk, "kty"), alg = text_member(jwk, "alg"), use = text_member(jwk, "use");
    if (!use.empty() && use != "sig") return std::nullopt;
    jwt_key k;
    k.kid = text_member(jwk, "kid");
    std::optional<std::string> pem;
    if (kty == "RSA" && (alg.empty() || alg == "RS256")) {
        k.alg = "RS256";
        pem = rsa_pem(jwk);
    } else if (kty == "EC" && (alg.empty() || alg == "ES256")) {
        k.alg = "ES256";
        pem = ec_pem(jwk);
    }
    if (!pem) return std::nullopt;
    k.material = std::move(*pem);
    return k;
}
} // namespace

domain::result<std::vector<jwt_key>> read_jwks(std::string_view text) {
    boost::system::error_code ec;
    auto const doc = json::parse(text, ec);
    auto const* keys = !ec && doc.is_object() ? doc.as_object().if_contains("keys") : nullptr;
    if (!keys || !keys->is_array())
        return domain::make_error(domain::errc::invalid_request, "A JWKS must be a JSON object with a \"keys\" list");
    std::vector<jwt_key> out;
    for (auto const& jwk : keys->as_array())
        if (jwk.is_object())
            if (auto k = key_of(jwk.as_object())) out.push_back(std::move(*k));
    return out;
}

} // namespace switchboard::adapters
