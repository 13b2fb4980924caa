#pragma once
// Keeps a map keyed by client-chosen names (tenant ids, budget ids) within a bound: when it is
// full, the tenth of its entries that are oldest by some measure go at once, so the cost of
// eviction spreads over the inserts that follow (O(1) amortised, no index to maintain).
#include <algorithm>
#include <iterator>
#include <vector>

namespace switchboard::adapters {

// Erases the max(1, map.size() / 10) entries with the smallest `age(value)`.
template <class Map, class Age>
void evict_oldest_tenth(Map& map, Age age) {
    if (map.empty()) return;
    using iterator = typename Map::iterator;
    std::vector<iterator> entries;
    entries.reserve(map.size());
    for (auto it = map.begin(); it != map.end(); ++it) entries.push_back(it);
    auto const count = std::max<std::size_t>(1, entries.size() / 10);
    auto older = [&](iterator a, iterator b) { return age(a->second) < age(b->second); };
    std::nth_element(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(count - 1), entries.end(), older);
    for (std::size_t i = 0; i < count; ++i) map.erase(entries[i]);
}

} // namespace switchboard::adapters
