#pragma once
// Every API key this instance knows — the config's and the store's — as one immutable snapshot
// (a key_ring) that requests read without waiting on anything, and the admin operations that
// change the stored ones. Each write goes to the store and the writing instance reads the store
// again at once; the others notice the store's revision change on their next watch (every
// 250 ms by default), so a key made, changed or revoked anywhere takes effect everywhere within
// a second, and a request never waits on the store to authenticate.
//
// Store failure: the last snapshot stays in force (keys keep working, revocations made
// elsewhere wait for the store to come back, as they could not have been written either); the
// admin operations fail with store_unavailable.
// Thread safety: shared by every core. current() copies a pointer under a mutex; writers and
// watchers publish whole snapshots, the newest revision winning.
#include "adapters/auth/key_ring.hpp"
#include "adapters/net.hpp"
#include "adapters/store/key_store.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace switchboard::adapters {

struct new_key {
    std::string text; // "sb-<id>_<secret>": shown once, never again
    domain::key_record record;
};

class key_directory {
  public:
    key_directory(std::string server_secret, std::vector<api_key_record> config_keys,
                  std::set<std::string, std::less<>> configured_tenants);

    std::shared_ptr<key_ring const> current() const;
    bool can_make_keys() const { return !secret_.empty(); } // without a secret, nothing to hash with
    // Whether the store has been read once: until then a key the snapshot lacks may be one made
    // on another instance, so the caller reads the store before refusing (the start-up race).
    bool loaded() const;

    // Reads the store again when its revision moved since the last read (or always, `force`).
    // Throws store_unavailable (the snapshot stays).
    net::awaitable<void> refresh(key_store& store, bool force = false);

    // The admin operations. Errors: not_found (no such key), conflict (a key of the config file:
    // change the file), invalid_request, store_unavailable (thrown).
    net::awaitable<domain::result<new_key>> create(key_store& store, domain::key_changes const& spec,
                                                   std::int64_t now_unix);
    net::awaitable<domain::result<domain::key_record>> update(key_store& store, std::string const& id,
                                                              domain::key_changes const& changes,
                                                              std::int64_t now_unix);
    net::awaitable<domain::result<domain::key_record>> revoke(key_store& store, std::string const& id,
                                                              std::int64_t now_unix);
    // A new secret for the key; the old one keeps working for `grace` (0: stops at once).
    net::awaitable<domain::result<new_key>> rotate(key_store& store, std::string const& id, std::chrono::seconds grace,
                                                   std::int64_t now_unix);

  private:
    domain::result<domain::key_record> stored_key(std::string const& id) const; // for a change
    net::awaitable<domain::result<domain::key_record>> write(key_store& store, domain::key_record record);
    void publish(std::shared_ptr<key_ring const> ring, std::int64_t revision);

    std::string secret_;
    std::vector<api_key_record> config_keys_;
    std::set<std::string, std::less<>> configured_tenants_;
    mutable std::mutex mutex_; // guards ring_ and revision_ (held for a pointer copy only)
    std::shared_ptr<key_ring const> ring_;
    std::int64_t revision_ = -1; // of the store when ring_ was read (-1: never read)
};

} // namespace switchboard::adapters
