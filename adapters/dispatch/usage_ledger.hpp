#pragma once
// Totals of requests, tokens and dollars per provider/model, kept for stats and metrics.
// Thread-safe: every core records into the one ledger; a mutex guards a small map, and a
// record is a few additions, so contention stays negligible next to an upstream call.

#include "domain/pricing.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace switchboard::adapters {

struct usage_totals {
    std::string provider;
    std::string model;
    std::int64_t requests = 0;
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    double cost_usd = 0;
};

class usage_ledger {
  public:
    void record(std::string const& provider, std::string const& model, domain::token_usage const& usage,
                double cost_usd);
    std::vector<usage_totals> snapshot() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, usage_totals> totals_;
};

} // namespace switchboard::adapters
