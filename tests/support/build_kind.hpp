#pragma once
// Whether this is the sanitizer build (Debug, ASan + UBSan): several times slower per request,
// so tests that bound a wall-clock wait, or that need the shared store to answer within its
// request-path timeout under a burst, allow for it. The Release run keeps the tight bounds.
// Read from the compiler (GCC defines __SANITIZE_ADDRESS__ under -fsanitize=address; Clang
// answers __has_feature), so every file of every test target sees the same answer.
namespace switchboard::testing {
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif
#else
inline constexpr bool sanitized_build = false;
#endif
} // namespace switchboard::testing
