// Thread-safe usage totals.
#include "adapters/dispatch/usage_ledger.hpp"

namespace switchboard::adapters {

void usage_ledger::record(std::string const& provider, std::string const& model,
                          domain::token_usage const& usage, double cost_usd) {
    std::lock_guard lock(mutex_);
    auto& t = totals_[{provider, model}];
    t.provider = provider;
    t.model = model;
    t.requests += 1;
    t.prompt_tokens += usage.prompt_tokens;
    t.completion_tokens += usage.completion_tokens;
    t.cost_usd += cost_usd;
}

std::vector<usage_totals> usage_ledger::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<usage_totals> out;
    out.reserve(totals_.size());
    for (auto const& [key, t] : totals_) out.push_back(t);
    return out;
}

} // namespace switchboard::adapters
