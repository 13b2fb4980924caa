#pragma once
// The memory a parsed JSON tree lives in: one arena per parse, which the tree's values keep alive
// (a shared monotonic resource). Nodes are bump-allocated from it and freed all at once.
#include <boost/json/storage_ptr.hpp>

#include <cstddef>

namespace switchboard::domain {

// An arena for the tree of `text_size` bytes of JSON. A small text's tree (up to ~470 bytes of
// text) fits in a block inside the arena's own allocation: one allocation of 1 KiB per parse,
// a malloc size class exactly. A larger one's first block is twice the text, then grows
// geometrically. Contract as parse_json's: an arena is not thread-safe.
boost::json::storage_ptr json_arena(std::size_t text_size);

} // namespace switchboard::domain
