#pragma once
// The response cache's second level in Redis, shared by every instance. Key layout (the hash tag
// is the namespace's root: its part before the first '/', "~" for the empty namespace, so a
// namespace and its sub-namespaces live in one slot):
//   sbc:{<root>}:e:<key>   STRING the encoded answer, TTL = the entry's
//   sbc:{<root>}:l:<key>   STRING lease: the id of the call making the upstream call, short TTL
//   sbc:{<root>}:i         SET    "<namespace>\t<tags>\t<key>" of the root's entries (what a
//                                 clear walks); TTL = its longest entry's
//   sbc:{roots}            SET    the roots (what a clear of every namespace or of a tag walks);
//                                 TTL = its longest entry's
//   sbc:{clears}, sbc:{clears}:n   LIST of the latest clears and their count (each instance
//                                 polls them to clear its own first level)
//   sbs:{<root>}           HASH   semantic entries: key → "<rest>\t<namespace>\t<expiry unix ms>\t"
//                                 + the vector's float32 bytes (one machine byte order across the
//                                 fleet); TTL = its latest entry's
//   sbs:{feed}, sbs:{feed}:n       LIST of the latest semantic keeps ("<root>\t<key>") and their count
// A clear walks the index of each root it concerns in one script: an admin operation, O(entries).
#include "adapters/cache/cache_store.hpp"
#include "adapters/store/redis/redis_connection.hpp"

namespace switchboard::adapters {

class redis_cache_store final : public cache_store {
  public:
    explicit redis_cache_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<shared_lookup> look(cache_address const& at, std::chrono::milliseconds lease) override;
    net::awaitable<void> keep(cache_address const& at, std::string entry, std::chrono::milliseconds ttl,
                              std::vector<std::string> const& tags) override;
    net::awaitable<void> release(cache_address const& at) override;
    net::awaitable<std::size_t> clear(cache_clearing const& what) override;
    net::awaitable<clear_log> changes(std::int64_t seen) override;
    net::awaitable<void> keep_similar(semantic_record const& record) override;
    net::awaitable<similar_log> similar_since(std::int64_t seen) override;

    static constexpr int clear_log_length = 100;
    static constexpr int semantic_feed_length = 10000;

  private:
    // The notes ("<a>\t<b>") of a log (the clears, the semantic feed) since the count `seen`;
    // not `complete` when there were too many to tell, or the count went back.
    struct log_notes {
        std::int64_t count = 0;
        bool complete = false;
        std::vector<std::pair<std::string, std::string>> notes;
    };
    net::awaitable<log_notes> notes_since(std::string const& list, std::string const& count, std::int64_t seen,
                                          int length);

    redis_link& redis_;
};

} // namespace switchboard::adapters
