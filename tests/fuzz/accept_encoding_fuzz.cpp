// libFuzzer target: a client's Accept-Encoding header. Reading never crashes, and a header that
// refuses gzip explicitly (appended "gzip;q=0") is never taken.
#include "domain/http/accept_encoding.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    (void)switchboard::domain::accepts_gzip(text);
    if (switchboard::domain::accepts_gzip(std::string(text) + ",gzip;q=0")) std::abort();
    return 0;
}
