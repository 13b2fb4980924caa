#pragma once
// Redis Cluster's key → hash slot (the cluster specification's HASH_SLOT): CRC16 (XMODEM) of
// the key's hash tag — what lies between the first '{' and the next '}', when that is not
// empty — or else of the whole key, modulo 16384. Keys with one hash tag share a slot, which
// is what lets one script touch several of them on a cluster.
#include <cstdint>
#include <string_view>

namespace switchboard::adapters {

inline constexpr std::uint16_t cluster_slots = 16384;

std::uint16_t key_slot(std::string_view key);

} // namespace switchboard::adapters
