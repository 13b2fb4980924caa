// The Redis key store: a hash of records and a revision counter.
#include "adapters/store/redis/redis_key_store.hpp"

#include "adapters/store/redis/redis_scripts.hpp"
#include "adapters/store/store_error.hpp"

namespace switchboard::adapters {
namespace {
std::string const records_key = "keys:{auth}";
std::string const revision_key = "keys:{auth}:revision";
std::string const revoked_key = "keys:{auth}:revoked";

std::vector<std::vector<std::string>> command(std::string name, std::string const& key) {
    return {{std::move(name), key}};
}

void throw_if_error(redis_value const& v) {
    if (v.is_error()) throw store_unavailable("redis refused a key store command");
}
} // namespace

net::awaitable<std::vector<std::string>> redis_key_store::load_all() {
    auto replies = co_await redis_.pipeline(command("HVALS", records_key));
    throw_if_error(replies.at(0));
    std::vector<std::string> out;
    for (auto& e : replies.at(0).elements) out.push_back(std::move(e.text));
    co_return out;
}

net::awaitable<bool> redis_key_store::save(std::string const& id, std::string record, bool revoked) {
    std::vector<script_call> calls;
    calls.push_back({&scripts::key_save(), {records_key, revision_key, revoked_key},
                     {id, std::move(record), revoked ? "1" : "0"}});
    auto replies = co_await redis_.eval(std::move(calls));
    auto const& v = replies.at(0);
    co_return v.type == redis_value::kind::integer && v.integer == 1;
}

net::awaitable<std::int64_t> redis_key_store::revision() {
    auto replies = co_await redis_.pipeline(command("GET", revision_key));
    auto const& v = replies.at(0);
    throw_if_error(v);
    if (v.type == redis_value::kind::nil) co_return 0;
    co_return std::stoll(v.text);
}

} // namespace switchboard::adapters
