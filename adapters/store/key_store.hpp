#pragma once
// The key store port: where the API keys made through the admin API live — in memory for one
// instance, in Redis when several share it. Keys are few (one per app, client or user) and
// change rarely, so the whole set is read at once and each instance keeps a snapshot of it
// (key_directory); a revision number, bumped by every write, tells the instances when to read
// it again.
//
// Errors: the memory adapter cannot fail; the Redis adapter throws store_unavailable.
// Thread safety: the memory adapter is shared by every core and thread-safe; a Redis adapter
// belongs to one core's connection.
#include "adapters/net.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::adapters {

class key_store {
  public:
    virtual ~key_store() = default;
    // Every stored record, in its stored JSON text (domain::stored_form).
    virtual net::awaitable<std::vector<std::string>> load_all() = 0;
    // Writes (creates or replaces) the record of `id` and bumps the revision, atomically. A
    // revoked key stays revoked: writing it back as not `revoked` is refused (false), so an
    // update racing a revocation on another instance can never bring the key back.
    virtual net::awaitable<bool> save(std::string const& id, std::string record, bool revoked) = 0;
    // A number that changes whenever a record is written (0 before the first write).
    virtual net::awaitable<std::int64_t> revision() = 0;
};

} // namespace switchboard::adapters
