#pragma once
// Lowercase hexadecimal: of bytes (digests), and random ids (request ids, span ids, instance
// tags) from a thread-local generator seeded once per thread. Not for secrets.
#include <cstddef>
#include <string>

namespace switchboard::adapters {

std::string hex_encode(void const* data, std::size_t size);
std::string random_hex(std::size_t digits);

} // namespace switchboard::adapters
