#pragma once
// Whether this is the sanitizer build (Debug, ASan + UBSan): several times slower per request,
// so tests that bound a wall-clock wait, or that need the shared store to answer within its
// request-path timeout under a burst, allow for it. The Release run keeps the tight bounds.
namespace switchboard::testing {
#ifdef SWITCHBOARD_SANITIZED
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif
} // namespace switchboard::testing
