// SHA-256 with the algorithm fetched once and a context kept per thread.
#include "adapters/sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace switchboard::adapters {
namespace {
struct md_free {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct ctx_free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

EVP_MD const* sha256_algorithm() {
    static std::unique_ptr<EVP_MD, md_free> const md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!md) throw std::runtime_error("SHA-256 is not available");
    return md.get();
}
} // namespace

sha256_digest sha256(std::string_view bytes) {
    thread_local std::unique_ptr<EVP_MD_CTX, ctx_free> const ctx(EVP_MD_CTX_new());
    sha256_digest out{};
    unsigned int size = 0;
    if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha256_algorithm(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1 || size != out.size())
        throw std::runtime_error("SHA-256 failed");
    return out;
}

} // namespace switchboard::adapters
