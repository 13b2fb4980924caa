// Segmented-LRU shards.
#include "adapters/cache/memory_cache.hpp"

#include <algorithm>

namespace switchboard::adapters {

std::size_t cached_answer::bytes() const {
    std::size_t n = sizeof(cached_answer) + body.size() + cache_namespace.size() + model.size() +
                    deployment_model.size() + validator.size() + served_by.size();
    for (auto const& t : tags) n += t.size() + sizeof(std::string);
    return n;
}

std::int64_t memory_cache::steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct memory_cache::shard {
    struct item {
        std::string key;
        std::shared_ptr<cached_answer const> answer;
        std::size_t bytes = 0;
        bool protected_ = false;
    };
    using list = std::list<item>; // most recently used first
    std::mutex mutex;
    list probation, protected_items;
    std::unordered_map<std::string, list::iterator> index;
    std::size_t probation_bytes = 0, protected_bytes = 0;
    std::size_t max_bytes = 0;
    std::uint64_t evictions = 0;

    std::size_t protected_max() const { return max_bytes - max_bytes / 5; }

    void drop(list::iterator it) {
        (it->protected_ ? protected_bytes : probation_bytes) -= it->bytes;
        index.erase(it->key);
        (it->protected_ ? protected_items : probation).erase(it);
    }
    // Makes room for `bytes` more: probation's oldest first, then protected's.
    void make_room(std::size_t bytes) {
        while (probation_bytes + protected_bytes + bytes > max_bytes) {
            auto& from = probation.empty() ? protected_items : probation;
            if (from.empty()) return;
            drop(std::prev(from.end()));
            ++evictions;
        }
    }
    // A hit: to the front of the protected segment; its overflow goes back to probation.
    void promote(list::iterator it) {
        if (it->protected_) {
            protected_items.splice(protected_items.begin(), protected_items, it);
            return;
        }
        probation_bytes -= it->bytes;
        protected_bytes += it->bytes;
        it->protected_ = true;
        protected_items.splice(protected_items.begin(), probation, it);
        while (protected_bytes > protected_max() && protected_items.size() > 1) {
            auto last = std::prev(protected_items.end());
            last->protected_ = false;
            protected_bytes -= last->bytes;
            probation_bytes += last->bytes;
            probation.splice(probation.begin(), protected_items, last);
        }
    }
};

memory_cache::memory_cache(std::size_t max_bytes, clock_fn clock) : clock_(std::move(clock)) {
    for (auto& s : shards_) {
        s = std::make_unique<shard>();
        s->max_bytes = max_bytes / shards_.size();
    }
}

memory_cache::~memory_cache() = default;

memory_cache::shard& memory_cache::shard_of(std::string const& key) {
    return *shards_[std::hash<std::string>{}(key) % shards_.size()];
}

std::shared_ptr<cached_answer const> memory_cache::get(std::string const& key) {
    auto& s = shard_of(key);
    auto const now = clock_();
    std::lock_guard lock(s.mutex);
    auto found = s.index.find(key);
    if (found == s.index.end()) return nullptr;
    auto it = found->second;
    if (it->answer->expires_ms <= now) {
        s.drop(it);
        return nullptr;
    }
    s.promote(it);
    return it->answer;
}

void memory_cache::put(std::string const& key, std::shared_ptr<cached_answer const> answer) {
    auto& s = shard_of(key);
    auto const bytes = answer->bytes() + key.size();
    std::lock_guard lock(s.mutex);
    if (auto found = s.index.find(key); found != s.index.end()) s.drop(found->second);
    if (bytes > s.max_bytes / 5) return; // larger than probation: it would only push out others
    s.make_room(bytes);
    s.probation.push_front({key, std::move(answer), bytes, false});
    s.probation_bytes += bytes;
    s.index[key] = s.probation.begin();
}

std::size_t memory_cache::clear(std::string const& cache_namespace, std::string const& tag) {
    std::size_t dropped = 0;
    for (auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        for (auto* l : {&s->probation, &s->protected_items})
            for (auto it = l->begin(); it != l->end();) {
                auto const& a = *it->answer;
                bool const in_ns = cache_namespace.empty() || a.cache_namespace == cache_namespace ||
                                   a.cache_namespace.starts_with(cache_namespace + "/");
                bool const tagged = tag.empty() || std::find(a.tags.begin(), a.tags.end(), tag) != a.tags.end();
                auto next = std::next(it);
                if (in_ns && tagged) {
                    s->drop(it);
                    ++dropped;
                }
                it = next;
            }
    }
    return dropped;
}

cache_counts memory_cache::counts() {
    cache_counts c;
    for (auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        c.entries += s->index.size();
        c.bytes += s->probation_bytes + s->protected_bytes;
        c.evictions += s->evictions;
    }
    return c;
}

} // namespace switchboard::adapters
