// In-memory sliding-window logs.
#include "adapters/store/memory_rate_limit_store.hpp"

#include "domain/rate_limit.hpp"

namespace switchboard::adapters {
namespace {
std::chrono::milliseconds ceil_ms(domain::duration d) {
    return std::chrono::ceil<std::chrono::milliseconds>(d);
}
} // namespace

void memory_rate_limit_store::sweep(domain::time_point now) {
    if (++calls_ % 512 != 0) return;
    for (auto it = logs_.begin(); it != logs_.end();) {
        auto& l = it->second;
        bool const idle = l.admitted.empty() || l.admitted.back() <= now - l.window;
        it = idle ? logs_.erase(it) : std::next(it);
    }
}

std::vector<window_verdict> memory_rate_limit_store::admit_now(std::vector<limit_window> const& windows) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    sweep(now);
    std::vector<window_verdict> out;
    bool all = true;
    for (auto const& w : windows) {
        auto& l = logs_[w.key];
        l.window = w.window;
        auto const d = domain::peek_window(l.admitted, now, w.limit, w.window);
        out.push_back({d.admitted, d.remaining, ceil_ms(d.reset)});
        all = all && d.admitted;
    }
    if (all)
        for (auto const& w : windows) domain::record_admission(logs_[w.key].admitted, now);
    else
        for (auto& v : out) v.remaining += v.admitted ? 1 : 0; // this request does not count there
    return out;
}

net::awaitable<std::vector<window_verdict>> memory_rate_limit_store::admit(std::vector<limit_window> const& windows) {
    co_return admit_now(windows);
}

} // namespace switchboard::adapters
