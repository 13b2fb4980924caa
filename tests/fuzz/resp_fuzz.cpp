// libFuzzer target: replies from Redis as the RESP reader takes them (hiredis's parser behind
// resp_parser), fed in pieces the input chooses. A protocol error is an exception the
// connection turns into a reconnect; nothing may crash.
#include "adapters/store/redis/resp.hpp"

#include <cstdint>
#include <stdexcept>
#include <string_view>

using switchboard::adapters::resp_parser;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t const piece = 1 + data[0] % 32;
    std::string_view bytes(reinterpret_cast<char const*>(data) + 1, size - 1);
    try {
        resp_parser parser;
        while (!bytes.empty()) {
            parser.feed(bytes.substr(0, piece));
            bytes.remove_prefix(std::min(piece, bytes.size()));
            while (parser.next()) {
            }
        }
    } catch (std::runtime_error const&) {
        // a protocol error: the link is dropped and reconnected
    }
    return 0;
}
