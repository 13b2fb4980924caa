// CRC16-CCITT (XMODEM: polynomial 0x1021, initial 0), bit by bit: keys are short and a table
// would only trade 512 bytes of cache for nothing measurable.
#include "adapters/store/redis/key_slot.hpp"

namespace switchboard::adapters {
namespace {

std::uint16_t crc16(std::string_view bytes) {
    std::uint16_t crc = 0;
    for (unsigned char byte : bytes) {
        crc = static_cast<std::uint16_t>(crc ^ (byte << 8));
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint16_t>(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

std::string_view hashed_part(std::string_view key) {
    auto const open = key.find('{');
    if (open == std::string_view::npos) return key;
    auto const close = key.find('}', open + 1);
    if (close == std::string_view::npos || close == open + 1) return key;
    return key.substr(open + 1, close - open - 1);
}

} // namespace

std::uint16_t key_slot(std::string_view key) {
    return static_cast<std::uint16_t>(crc16(hashed_part(key)) % cluster_slots);
}

} // namespace switchboard::adapters
