// Exact answers by identity.
#include "adapters/cache/response_cache.hpp"

#include "adapters/hex.hpp"
#include "adapters/sha256.hpp"
#include "domain/quota.hpp"

namespace switchboard::adapters {

std::string_view cache_status_name(cache_status s) {
    switch (s) {
    case cache_status::hit:
        return "hit";
    case cache_status::miss:
        return "miss";
    case cache_status::bypass:
        return "bypass";
    case cache_status::coalesced:
        return "coalesced";
    }
    return "bypass";
}

response_cache::response_cache(cache_options options, memory_cache::clock_fn clock)
    : options_(std::move(options)), clock_(clock), memory_(options_.max_bytes, clock),
      semantic_(options_.semantic.max_entries, clock) {}

std::size_t response_cache::clear(std::string const& cache_namespace, std::string const& tag) {
    // A tag clear leaves semantic entries pointing at answers that are gone: they find nothing
    // and are forgotten when next matched.
    if (tag.empty()) semantic_.clear(cache_namespace);
    return memory_.clear(cache_namespace, tag);
}

void response_cache::note_semantic_hit(cached_answer const& answer, bool was_miss) {
    if (was_miss) misses_.fetch_sub(1, std::memory_order_relaxed);
    semantic_hits_.fetch_add(1, std::memory_order_relaxed);
    note_hit(answer);
}

domain::cache_settings const& response_cache::settings_for(std::string_view model) const {
    auto it = options_.groups.find(model);
    return it == options_.groups.end() ? options_.defaults : it->second;
}

std::string response_cache::key_of(std::string_view identity) {
    auto const digest = sha256(identity);
    return hex_encode(digest.data(), digest.size());
}

std::shared_ptr<cached_answer const> response_cache::find(std::string const& key) {
    auto found = memory_.get(key);
    if (!found) {
        misses_.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    note_hit(*found);
    return found;
}

void response_cache::note_hit(cached_answer const& answer) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    micro_usd_saved_.fetch_add(domain::to_micro_usd(answer.cost_usd), std::memory_order_relaxed);
}

std::shared_ptr<cached_answer const> response_cache::adopt(std::string const& key, cached_answer answer) {
    auto shared = std::make_shared<cached_answer const>(std::move(answer));
    memory_.put(key, shared);
    return shared;
}

void response_cache::note_coalesced(cached_answer const& answer) {
    coalesced_.fetch_add(1, std::memory_order_relaxed);
    micro_usd_saved_.fetch_add(domain::to_micro_usd(answer.cost_usd), std::memory_order_relaxed);
}

std::shared_ptr<cached_answer const> response_cache::store(std::string const& key, domain::cache_plan const& plan,
                                                           cached_answer answer) {
    auto const now = clock_();
    answer.cache_namespace = plan.cache_namespace;
    answer.tags = plan.tags;
    answer.stored_ms = now;
    answer.expires_ms = now + std::chrono::duration_cast<std::chrono::milliseconds>(plan.ttl).count();
    auto kept = std::make_shared<cached_answer const>(std::move(answer));
    memory_.put(key, kept);
    stores_.fetch_add(1, std::memory_order_relaxed);
    return kept;
}

cache_figures response_cache::figures() {
    cache_figures f;
    f.hits = hits_.load();
    f.misses = misses_.load();
    f.bypasses = bypasses_.load();
    f.stores = stores_.load();
    f.coalesced = coalesced_.load();
    f.shared_failures = shared_failures_.load();
    f.semantic_hits = semantic_hits_.load();
    f.embedding_failures = embedding_failures_.load();
    f.semantic_entries = semantic_.size();
    f.usd_saved = static_cast<double>(micro_usd_saved_.load()) / 1e6;
    f.memory = memory_.counts();
    return f;
}

} // namespace switchboard::adapters
