// Refresh token families in Redis: one script per operation.
#include "adapters/store/redis/redis_refresh_store.hpp"

#include "adapters/store/redis/redis_scripts.hpp"
#include "adapters/store/store_error.hpp"

namespace switchboard::adapters {

namespace {
std::string family_key(std::string const& family) {
    return "refresh:{" + family + "}";
}
} // namespace

net::awaitable<void> redis_refresh_store::start(std::string const& family, refresh_family const& what,
                                                std::string const& token_hash, std::chrono::seconds ttl) {
    std::vector<script_call> calls;
    calls.push_back({&scripts::refresh_start(), {family_key(family)},
                     {what.key_id, what.scopes, token_hash, std::to_string(ttl.count())}});
    co_await redis_.eval(std::move(calls));
}

net::awaitable<std::pair<refresh_outcome, refresh_family>>
redis_refresh_store::rotate(std::string const& family, std::string const& presented_hash, std::string const& next_hash) {
    std::vector<script_call> calls;
    calls.push_back({&scripts::refresh_rotate(), {family_key(family), family_key(family) + ":spent"},
                     {presented_hash, next_hash}});
    auto replies = co_await redis_.eval(std::move(calls));
    auto const& v = replies.at(0);
    if (v.type != redis_value::kind::array || v.elements.size() != 3)
        throw store_unavailable("redis script returned an unexpected reply");
    auto const code = v.elements[0].type == redis_value::kind::integer ? v.elements[0].integer : -1;
    refresh_family what{v.elements[1].text, v.elements[2].text};
    switch (code) {
    case 1:
        co_return std::pair{refresh_outcome::rotated, what};
    case 2:
        co_return std::pair{refresh_outcome::reused, refresh_family{}};
    case 3:
        co_return std::pair{refresh_outcome::unknown, refresh_family{}};
    default:
        co_return std::pair{refresh_outcome::revoked, refresh_family{}};
    }
}

} // namespace switchboard::adapters
