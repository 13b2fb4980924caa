#pragma once
// The Redis adapters of the store ports, one set per core over that core's connection. Every
// operation is one round trip (one pipelined write of EVALSHA calls). A rate-limit check runs
// the windows of one slot in one script, all or nothing; a check refused in one slot costs a
// second round trip to take the request back from the other slots that had admitted it.
//
// Key layout (hash tags in braces; see docs/adr/0003-redis-client.md):
//   rl:{<scope>:<subject>}:<route>:<window ms>   ZSET, TTL = window
//   quota:{<provider>}:<YYYY-MM-DD>              HASH, TTL = next UTC midnight + retention
//   quota:{tenant:<name>}:<YYYY-MM-DD> / <YYYY-MM>   (and quota:{key:<id>}:… for API keys)
//   meter:{key:<id>}                             HASH (tat), meter:{key:<id>}:calls ZSET of leases
//   budget:{<id>}                                HASH, TTL = budget ttl
// Errors: store_unavailable (see redis_connection).
#include "adapters/store/budget_store.hpp"
#include "adapters/store/key_meter_store.hpp"
#include "adapters/store/quota_store.hpp"
#include "adapters/store/rate_limit_store.hpp"
#include "adapters/store/redis/redis_connection.hpp"
#include "adapters/wall_clock.hpp"

namespace switchboard::adapters {

class redis_rate_limit_store final : public rate_limit_store, public window_lease_store {
  public:
    explicit redis_rate_limit_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<std::vector<window_verdict>> admit(std::vector<limit_window> const& windows) override;
    bool remote() const override { return true; }
    net::awaitable<lease_grant> lease(std::vector<limit_window> const& windows, std::int64_t admissions,
                                      std::chrono::milliseconds hold) override;
    net::awaitable<void> give_back(std::vector<limit_window> const& windows, std::string const& member,
                                   std::int64_t from, std::int64_t admissions) override;

  private:
    // Records `admissions` under `member` in every window (all or nothing, over every slot).
    net::awaitable<lease_grant> record(std::vector<limit_window> const& windows, std::int64_t admissions,
                                       std::chrono::milliseconds hold, std::string member);
    redis_link& redis_;
};

class redis_quota_store final : public quota_store {
  public:
    // Day keys live `retention` past their day (so late settlements still land), month keys
    // the same past their month.
    // A reservation not settled within `lease` (its settlement lost to a stalled store, or its
    // reserve run after the gateway stopped waiting) is given back by the store itself.
    // `clock` (Unix seconds) names the windows; the server's TIME has the last word on them.
    explicit redis_quota_store(redis_link& redis, std::chrono::milliseconds lease = std::chrono::minutes(2),
                               std::chrono::seconds retention = std::chrono::hours(1),
                               std::int64_t (*clock)() = unix_now)
        : redis_(redis), lease_(lease), retention_(retention), clock_(clock) {}
    bool remote() const override { return true; }
    net::awaitable<quota_verdict> reserve(std::string const& subject, domain::quota_counts charge,
                                          domain::quota_limits const& limits,
                                          bool report_refusal = true) override;
    net::awaitable<std::vector<domain::quota_alert>> settle(quota_reservation const& reservation,
                                                            std::optional<domain::quota_counts> actual,
                                                            domain::quota_limits const& limits) override;
    net::awaitable<quota_snapshot> snapshot(std::string const& subject) override;

    // "provider:openai" → "quota:{openai}"; "tenant:acme" → "quota:{tenant:acme}".
    static std::string base_key(std::string const& subject);

  private:
    // The UTC day and month containing an instant: their names and the bounds the scripts check
    // TIME against (the day's first second and the next day's, the month's end).
    struct quota_windows {
        std::string day, month;
        std::int64_t day_start = 0, day_reset = 0, month_reset = 0;
    };
    quota_windows const& windows_at(std::int64_t now);
    // Runs a quota script (reserve or peek) on the subject's current windows: ARGV is `head`, the
    // windows' bounds and names, `tail`. Returns its reply.
    net::awaitable<redis_value> run_in_windows(redis_script const& script, std::string const& subject,
                                               std::vector<std::string> const& head,
                                               std::vector<std::string> const& tail);
    redis_link& redis_;
    std::chrono::milliseconds lease_;
    std::chrono::seconds retention_;
    std::int64_t (*clock_)();
    std::int64_t offset_ = 0; // the server's clock minus ours, as last seen at a day's turn
    quota_windows windows_;   // of the latest call
};

class redis_budget_store final : public budget_store {
  public:
    explicit redis_budget_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<domain::budget_decision> reserve(std::string const& id, std::int64_t tokens, domain::priority p,
                                                    domain::budget_limits const& limits,
                                                    domain::time_point now) override;
    net::awaitable<void> adjust(std::string const& id, domain::budget_usage delta, domain::time_point now) override;
    bool remote() const override { return true; }

  private:
    redis_link& redis_;
};

class redis_key_meter_store final : public key_meter_store, public meter_lease_store {
  public:
    explicit redis_key_meter_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<meter_verdict> acquire(meter_claim const& claim) override;
    net::awaitable<void> release(meter_claim const& claim, std::int64_t used) override;
    net::awaitable<void> abandon(meter_claim const& claim) override;
    bool remote() const override { return true; }
    net::awaitable<lease_grant> lease(meter_claim const& claim, std::int64_t first_slot, std::int64_t slots,
                                      std::int64_t tokens, double below) override;
    net::awaitable<void> give_back(meter_claim const& claim, std::int64_t first_slot, std::int64_t last_slot,
                                   std::int64_t tokens) override;

  private:
    redis_link& redis_;
};

} // namespace switchboard::adapters
