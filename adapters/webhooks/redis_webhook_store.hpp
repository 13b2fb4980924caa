#pragma once
// The webhook store in Redis, shared by every instance:
//   webhooks:claim:<event id>      STRING  SET NX PX: the instance that set it delivers the event
//   webhooks:{deliveries}          HASH    "<event id> <endpoint>" → the delivery's JSON
//   webhooks:{deliveries}:index    ZSET    the same members by creation (Unix ms)
// A save (one script) also drops the records past their retention and beyond
// max_kept_deliveries, oldest first. The pair shares one hash slot (the {deliveries} tag).
#include "adapters/store/redis/redis_connection.hpp"
#include "adapters/webhooks/webhook_store.hpp"

namespace switchboard::adapters {

class redis_webhook_store final : public webhook_store {
  public:
    explicit redis_webhook_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<bool> claim(std::string const& event_id, std::chrono::milliseconds ttl) override;
    net::awaitable<void> save(domain::webhooks::delivery const& d, std::chrono::milliseconds retention) override;
    net::awaitable<std::vector<domain::webhooks::delivery>> recent(std::size_t limit) override;

  private:
    redis_link& redis_;
};

} // namespace switchboard::adapters
