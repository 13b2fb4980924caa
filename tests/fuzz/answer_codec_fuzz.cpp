// libFuzzer target: a shared cache entry read back from Redis (whatever another instance, an older
// version or an operator left under a cache key). Reading never crashes; what reads as an answer
// is whole — counts not negative, a finite cost, a time left not in the past — and writes back
// to an entry that reads the same.
#include "adapters/cache/answer_codec.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::adapters;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    answer_clocks const clocks{1'000'000, 1'700'000'000'000, 5'000};
    auto answer = decode_answer(text, clocks);
    if (!answer) return 0;
    if (answer->usage.prompt_tokens < 0 || answer->usage.completion_tokens < 0) std::abort();
    if (!std::isfinite(answer->cost_usd) || answer->cost_usd < 0) std::abort();
    if (answer->stored_ms > clocks.local_now_ms || answer->expires_ms < clocks.local_now_ms) std::abort();
    if (answer->fresh_until_ms != 0 && answer->fresh_until_ms < answer->stored_ms) std::abort();
    auto const again = decode_answer(encode_answer(*answer, clocks.unix_now_ms), clocks);
    if (!again || again->body != answer->body || again->tags != answer->tags || again->model != answer->model ||
        again->cache_namespace != answer->cache_namespace || again->usage.total() != answer->usage.total() ||
        again->validator != answer->validator || again->served_by != answer->served_by ||
        (again->fresh_until_ms == 0) != (answer->fresh_until_ms == 0))
        std::abort();
    return 0;
}
