// libFuzzer target: the rate-limit headers a provider sends (Retry-After as seconds or an
// HTTP-date, retry-after-ms, x-ratelimit-reset-* as Go durations). The delay is bounded (one
// day at most) and never negative.
#include "domain/retry_after.hpp"

#include "tests/fuzz/fuzz_input.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    (void)parse_go_duration(text);
    (void)parse_http_date(text);
    // Four headers from one input: split at the first three NULs.
    auto const parts = switchboard::fuzzing::split_at_nuls<4>(text);
    auto const now = wall_time(std::chrono::seconds(1'780'000'000));
    auto const delay = retry_delay({parts[0], parts[1], parts[2], parts[3]}, now);
    if (delay && (*delay < duration::zero() || *delay > std::chrono::hours(24))) std::abort();
    return 0;
}
