// The semantic index over hnswlib (inner product of unit vectors = cosine similarity).
#include "adapters/cache/semantic_index.hpp"

#include <hnswlib/hnswlib.h>

#include <cmath>
#include <mutex>
#include <unordered_map>

namespace switchboard::adapters {
namespace {
constexpr std::size_t first_capacity = 1024;
constexpr std::size_t neighbours_searched = 32; // candidates read before the exact filter
constexpr std::size_t search_breadth = 64;      // hnswlib's ef

bool normalize(std::vector<float>& v) {
    double norm = 0;
    for (float x : v) norm += static_cast<double>(x) * x;
    if (!(norm > 0) || !std::isfinite(norm)) return false;
    auto const scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& x : v) x *= scale;
    return true;
}
} // namespace

struct semantic_index::state {
    std::size_t max_entries;
    clock_fn clock;
    std::mutex mutex;
    std::size_t dimensions = 0;
    std::unique_ptr<hnswlib::InnerProductSpace> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
    struct slot {
        std::string key, rest, cache_namespace;
        std::int64_t expires_ms = 0;
        bool live = false;
    };
    std::vector<slot> slots; // by label
    std::unordered_map<std::string, std::size_t> label_of;
    std::size_t next = 0; // the slot the next new entry takes once the index is full (the oldest)
    std::size_t live = 0;

    void drop(std::size_t label) {
        auto& s = slots[label];
        if (!s.live) return;
        graph->markDelete(label);
        label_of.erase(s.key);
        s.live = false;
        --live;
    }
    std::size_t free_label() {
        if (slots.size() < max_entries) {
            if (slots.size() == graph->max_elements_)
                graph->resizeIndex(std::min(max_entries, graph->max_elements_ * 2));
            slots.emplace_back();
            return slots.size() - 1;
        }
        auto const label = next;
        next = (next + 1) % max_entries;
        drop(label);
        return label;
    }
};

semantic_index::semantic_index(std::size_t max_entries, clock_fn clock)
    : s_(std::make_unique<state>()) {
    s_->max_entries = std::max<std::size_t>(1, max_entries);
    s_->clock = std::move(clock);
}

semantic_index::~semantic_index() = default;

void semantic_index::add(semantic_entry e) {
    if (e.vector.empty() || !normalize(e.vector)) return;
    std::lock_guard lock(s_->mutex);
    if (!s_->graph) {
        s_->dimensions = e.vector.size();
        s_->space = std::make_unique<hnswlib::InnerProductSpace>(s_->dimensions);
        s_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(s_->space.get(),
                                                                       std::min(first_capacity, s_->max_entries));
        s_->graph->setEf(search_breadth);
    }
    if (e.vector.size() != s_->dimensions) return;
    std::size_t label;
    if (auto it = s_->label_of.find(e.key); it != s_->label_of.end()) {
        label = it->second;
    } else {
        label = s_->free_label();
        s_->label_of[e.key] = label;
        ++s_->live;
    }
    s_->graph->addPoint(e.vector.data(), label);
    s_->slots[label] = {std::move(e.key), std::move(e.rest), std::move(e.cache_namespace), e.expires_ms, true};
}

std::optional<semantic_match> semantic_index::find(std::vector<float> const& query, std::string const& rest,
                                                   double threshold) {
    auto v = query;
    if (v.empty() || !normalize(v)) return std::nullopt;
    std::lock_guard lock(s_->mutex);
    if (!s_->graph || v.size() != s_->dimensions || s_->live == 0) return std::nullopt;
    auto const now = s_->clock();
    auto found = s_->graph->searchKnn(v.data(), std::min(neighbours_searched, s_->live));
    std::optional<semantic_match> best;
    while (!found.empty()) {
        auto const [distance, label] = found.top();
        found.pop();
        auto const& s = s_->slots[label];
        double const similarity = 1.0 - static_cast<double>(distance);
        if (!s.live || s.rest != rest || similarity < threshold) continue;
        if (s.expires_ms <= now) {
            s_->drop(label);
            continue;
        }
        if (!best || similarity > best->similarity) best = semantic_match{s.key, similarity};
    }
    return best;
}

void semantic_index::forget(std::string const& key) {
    std::lock_guard lock(s_->mutex);
    if (auto it = s_->label_of.find(key); it != s_->label_of.end()) s_->drop(it->second);
}

std::size_t semantic_index::clear(std::string const& ns) {
    std::lock_guard lock(s_->mutex);
    std::size_t dropped = 0;
    for (std::size_t label = 0; label < s_->slots.size(); ++label) {
        auto const& s = s_->slots[label];
        if (!s.live) continue;
        if (ns.empty() || s.cache_namespace == ns || s.cache_namespace.starts_with(ns + "/")) {
            s_->drop(label);
            ++dropped;
        }
    }
    return dropped;
}

std::size_t semantic_index::size() {
    std::lock_guard lock(s_->mutex);
    return s_->live;
}

} // namespace switchboard::adapters
