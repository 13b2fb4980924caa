// Webhook claims and delivery records in Redis.
#include "adapters/webhooks/redis_webhook_store.hpp"

#include "adapters/store/redis/redis_scripts.hpp"
#include "adapters/store/store_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace {
std::string const records_key = "webhooks:{deliveries}";
std::string const index_key = "webhooks:{deliveries}:index";

void throw_if_error(redis_value const& v) {
    if (v.is_error()) throw store_unavailable("redis refused a webhook store command");
}
} // namespace

net::awaitable<bool> redis_webhook_store::claim(std::string const& event_id, std::chrono::milliseconds ttl) {
    std::vector<std::vector<std::string>> set{
        {"SET", "webhooks:claim:" + event_id, "1", "NX", "PX", std::to_string(std::max<long long>(1, ttl.count()))}};
    auto replies = co_await redis_.pipeline(std::move(set));
    throw_if_error(replies.at(0));
    co_return replies.at(0).type == redis_value::kind::status; // "OK"; nil when already claimed
}

net::awaitable<void> redis_webhook_store::save(domain::webhooks::delivery const& d, std::chrono::milliseconds retention) {
    auto const oldest = d.created_unix_ms - retention.count();
    std::vector<script_call> calls;
    calls.push_back({&scripts::webhook_save(),
                     {records_key, index_key},
                     {d.event_id + " " + d.endpoint, boost::json::serialize(domain::webhooks::delivery_json(d)),
                      std::to_string(d.created_unix_ms), std::to_string(oldest), std::to_string(max_kept_deliveries)}});
    co_await redis_.eval(std::move(calls));
}

net::awaitable<std::vector<domain::webhooks::delivery>> redis_webhook_store::recent(std::size_t limit) {
    std::vector<domain::webhooks::delivery> out;
    if (limit == 0) co_return out;
    std::vector<std::vector<std::string>> range{{"ZREVRANGE", index_key, "0", std::to_string(limit - 1)}};
    auto members = co_await redis_.pipeline(std::move(range));
    throw_if_error(members.at(0));
    if (members.at(0).elements.empty()) co_return out;
    std::vector<std::string> get{"HMGET", records_key};
    for (auto& m : members.at(0).elements) get.push_back(std::move(m.text));
    std::vector<std::vector<std::string>> read;
    read.push_back(std::move(get));
    auto records = co_await redis_.pipeline(std::move(read));
    throw_if_error(records.at(0));
    for (auto const& r : records.at(0).elements) {
        if (r.type != redis_value::kind::string) continue; // dropped between the two reads
        boost::system::error_code ec;
        auto v = boost::json::parse(r.text, ec);
        if (ec) continue;
        if (auto d = domain::webhooks::delivery_from_json(v)) out.push_back(std::move(*d));
    }
    co_return out;
}

} // namespace switchboard::adapters
