#pragma once
// Request bodies already validated, by their exact bytes: a call whose body is byte for byte one
// this core has parsed before takes that parse (the validated chat request, shared and never
// changed) and the cache key it had under a namespace, instead of parsing, validating,
// canonicalising and hashing it again. Only bodies whose answer the cache gave are kept (a
// repeat is what a cache hit is), so a call that misses pays one hash lookup and nothing more.
//
// Sound because what is kept is a pure function of the bytes: the JSON checks and the chat
// request's validation read nothing else, and a kept key is used only under the namespace it
// was computed for (another tenant's call computes its own).
//
// Bounded: bodies up to `max_body_bytes`, entries costing `max_bytes` in all (cost_of: the body,
// its parse's arena and the request around it), the least recently used dropped first. One per
// core (this_core()): no lock, nothing shared between cores.
#include "domain/chat_request.hpp"

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace switchboard::adapters {

class known_bodies {
  public:
    struct entry {
        std::string body;
        std::shared_ptr<domain::chat_request const> chat;
        std::string cache_namespace; // the namespace `cache_key` was computed under
        std::string cache_key;
    };
    struct limits {
        std::size_t max_body_bytes = 8 * 1024;
        std::size_t max_bytes = 1024 * 1024; // per core: ~470 entries of 115-byte bodies, ~70 of 2 KiB
    };
    // What an entry of a body of `body_bytes` holds in memory, counted against max_bytes: the
    // body, its parse (an arena of at least 1 KiB, twice the text) and the chat request's own
    // copies of the messages. Measured (heap in use over 10,000 parses kept): ~1.9 KiB for a
    // 115-byte body, ~12.9 KiB for a 2,100-byte one; this is a little above both.
    static std::size_t cost_of(std::size_t body_bytes) { return 6 * body_bytes + 1536; }

    explicit known_bodies(limits l) : limits_(l) {}
    known_bodies() : known_bodies(limits{}) {}

    // The entry for exactly these bytes (null: none). Marks it as used.
    std::shared_ptr<entry const> find(std::string_view body);
    // Keeps `chat` for these bytes, with the key it has under `cache_namespace`; a body too large
    // to keep is left out. Keeping a body already kept replaces its entry.
    void keep(std::string_view body, std::shared_ptr<domain::chat_request const> chat, std::string cache_namespace,
              std::string cache_key);

    std::size_t size() const { return index_.size(); }
    std::size_t bytes() const { return bytes_; }

    // This core's (thread's) memo.
    static known_bodies& this_core();

  private:
    using order = std::list<std::shared_ptr<entry const>>; // most recently used first
    void drop_oldest();
    limits limits_;
    order used_;
    std::unordered_map<std::string_view, order::iterator> index_; // views into the entries' bodies
    std::size_t bytes_ = 0;
};

} // namespace switchboard::adapters
