// libFuzzer target: the cache's readings of client input — the cache headers (Cache-Control,
// x-switchboard-cache-ttl, -namespace, -tags) and the canonical form of a JSON body, and its
// split into a prompt and an exact rest (semantic cache). A canonical
// form is valid JSON with the same structure, and the same value always has the same form; a
// namespace the parser accepts holds only the characters it promises. (A canonical form read back
// is not always its own canonical form: Boost 1.81 does not round a long decimal exactly, so a
// 60-digit number may come back one unit in the last place off — two writings of such a number
// miss each other, which costs a call and never serves a wrong answer.)
#include "domain/cache/cache_key.hpp"
#include "domain/cache/cache_policy.hpp"
#include "domain/cache/semantic_key.hpp"
#include "domain/openai_wire.hpp"

#include "tests/fuzz/fuzz_input.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    // Four headers from one input, split at its first three NULs; the whole input is also a body.
    auto const parts = switchboard::fuzzing::split_at_nuls<4>(text);
    if (auto control = parse_cache_control(parts[0], parts[1], parts[2], parts[3])) {
        for (char c : control->cache_namespace)
            if (c == '\n' || c == '/' || c == ' ') std::abort(); // would blur two namespaces
        if (control->ttl && control->ttl->count() < 0) std::abort();
    }
    if (auto body = parse_json(text)) {
        auto const once = canonical_json(*body);
        if (canonical_json(*body) != once) std::abort();
        auto const again = parse_json(once);
        // The same kind of value (a number may come back as an integer: 64.0 is written 64).
        if (!again || (again->kind() != body->kind() && !(again->is_number() && body->is_number()))) std::abort();
        if (body->is_object()) {
            (void)cache_identity("chat", "acme", body->as_object());
            // The semantic cache's split: a prompt found is never empty.
            if (auto parts = semantic_identity("acme", body->as_object()); parts && parts->prompt.empty()) std::abort();
        }
    }
    return 0;
}
