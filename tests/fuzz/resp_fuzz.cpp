// libFuzzer target: replies from Redis as the RESP reader takes them (hiredis's parser behind
// resp_parser), fed in pieces the input chooses, then read as a cluster would read them: as a
// CLUSTER SLOTS map, as a -MOVED/-ASK redirection, as a key to hash. A protocol error is an
// exception the connection turns into a reconnect, a reply that is no slot map is refused with
// std::invalid_argument; nothing may crash.
#include "adapters/store/redis/key_slot.hpp"
#include "adapters/store/redis/resp.hpp"
#include "adapters/store/redis/slot_map.hpp"

#include <cstdint>
#include <stdexcept>
#include <string_view>

using switchboard::adapters::resp_parser;
namespace adapters = switchboard::adapters;

namespace {
void read_as_cluster(adapters::redis_value const& reply) {
    try {
        for (auto const& range : adapters::parse_cluster_slots(reply, "seed"))
            if (range.first > range.last || range.last >= adapters::cluster_slots) __builtin_trap();
    } catch (std::invalid_argument const&) {
    }
    if (auto r = adapters::parse_redirection(reply.text); r && r->slot >= adapters::cluster_slots) __builtin_trap();
    if (adapters::key_slot(reply.text) >= adapters::cluster_slots) __builtin_trap();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t const piece = 1 + data[0] % 32;
    std::string_view bytes(reinterpret_cast<char const*>(data) + 1, size - 1);
    try {
        resp_parser parser;
        while (!bytes.empty()) {
            parser.feed(bytes.substr(0, piece));
            bytes.remove_prefix(std::min(piece, bytes.size()));
            while (auto reply = parser.next()) read_as_cluster(*reply);
        }
    } catch (std::runtime_error const&) {
        // a protocol error: the link is dropped and reconnected
    }
    return 0;
}
