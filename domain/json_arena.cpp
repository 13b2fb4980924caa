#include "domain/json_arena.hpp"

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
// The arena and its first block in one allocation. A plain monotonic_resource takes a block of at
// least 1 KiB plus its 32-byte header besides the resource itself: two allocations, the block
// rounded up to 1.25 KiB by size-classed allocators (mimalloc's) — and a streamed call keeps its
// request's tree for as long as it streams.
constexpr std::size_t inline_block = 928;

class small_arena final : public json::memory_resource {
  private:
    void* do_allocate(std::size_t n, std::size_t align) override { return arena_.allocate(n, align); }
    void do_deallocate(void*, std::size_t, std::size_t) override {} // freed all at once, with the arena
    bool do_is_equal(memory_resource const& other) const noexcept override { return this == &other; }

    alignas(16) unsigned char first_[inline_block];
    json::monotonic_resource arena_{first_, sizeof first_};
};
} // namespace
} // namespace switchboard::domain

// Values in the arena skip their deallocations, as they do in a monotonic_resource.
template <> struct boost::json::is_deallocate_trivial<switchboard::domain::small_arena> : std::true_type {};

namespace switchboard::domain {
namespace {
// What make_shared_resource allocates: the arena and a reference count, within 1 KiB.
static_assert(sizeof(json::detail::shared_resource_impl<small_arena>) <= 1024);
} // namespace

json::storage_ptr json_arena(std::size_t text_size) {
    // (A tree takes up to about twice its text: the estimate both arenas are sized by.)
    if (text_size * 2 <= inline_block) return json::make_shared_resource<small_arena>();
    return json::make_shared_resource<json::monotonic_resource>(std::max<std::size_t>(1024, text_size * 2));
}

} // namespace switchboard::domain
