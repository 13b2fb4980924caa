// Redis store adapters: argument marshalling around the scripts of redis_scripts.cpp.
#include "adapters/store/redis/redis_stores.hpp"

#include "adapters/hex.hpp"
#include "adapters/store/redis/key_slot.hpp"
#include "adapters/store/redis/redis_scripts.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/calendar.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>

namespace switchboard::adapters {
namespace {

// Distinguishes this process's sliding-window entries from every other instance's.
std::string const& instance_tag() {
    static std::string const tag = random_hex(16);
    return tag;
}

// Unique across every core of this process (a member seen twice would be one entry, not two).
std::uint64_t next_member_sequence() {
    static std::atomic<std::uint64_t> sequence{0};
    return sequence.fetch_add(1, std::memory_order_relaxed) + 1;
}

long long element(redis_value const& v, std::size_t i) {
    if (v.type != redis_value::kind::array || i >= v.elements.size())
        throw store_unavailable("redis script returned an unexpected reply");
    auto const& e = v.elements[i];
    if (e.type == redis_value::kind::integer) return e.integer;
    if (e.type == redis_value::kind::string) return std::stoll(e.text);
    throw store_unavailable("redis script returned an unexpected reply");
}

std::string text_element(redis_value const& v, std::size_t i) {
    if (v.type != redis_value::kind::array || i >= v.elements.size())
        throw store_unavailable("redis script returned an unexpected reply");
    return v.elements[i].text;
}

// The alert levels as the scripts read them: "75,90,100".
std::string levels_text(std::vector<int> const& levels) {
    std::string out;
    for (int l : levels) out += (out.empty() ? "" : ",") + std::to_string(l);
    return out;
}

std::vector<domain::quota_alert> alerts_from(redis_value const& v, std::size_t first) {
    std::vector<domain::quota_alert> out;
    for (std::size_t i = first; i + 4 <= v.elements.size(); i += 4)
        out.push_back({static_cast<domain::quota_metric>(element(v, i)), static_cast<int>(element(v, i + 1)),
                       element(v, i + 2), element(v, i + 3)});
    return out;
}

// The six limits in metric order (the scripts' `metrics` table).
void push_limits(std::vector<std::string>& args, domain::quota_limits const& l) {
    for (auto const& m : domain::quota_metrics) args.push_back(std::to_string(l.*m.limit));
}

void push_counts(std::vector<std::string>& args, domain::quota_counts const& c) {
    for (auto v : {c.requests, c.tokens, c.micro_usd}) args.push_back(std::to_string(v));
}
} // namespace

net::awaitable<std::vector<window_verdict>> redis_rate_limit_store::admit(std::vector<limit_window> const& windows) {
    auto grant = co_await record(windows, 1, std::chrono::milliseconds(0),
                                 instance_tag() + ":" + std::to_string(next_member_sequence()));
    co_return std::move(grant.verdicts);
}

net::awaitable<window_lease_store::lease_grant> redis_rate_limit_store::lease(std::vector<limit_window> const& windows,
                                                                             std::int64_t admissions,
                                                                             std::chrono::milliseconds hold) {
    co_return co_await record(windows, admissions, hold, instance_tag() + ":" + std::to_string(next_member_sequence()));
}

namespace {
// A window's keys in its scripts: its log and its counter (same hash tag, so same slot).
void push_window_keys(std::vector<std::string>& keys, limit_window const& w) {
    keys.push_back(w.key);
    keys.push_back(w.key + ":n");
}

// The windows' indexes grouped by slot (those of one hash tag: a key's own limit beside a
// per-key rule), in order of first use.
std::vector<std::vector<std::size_t>> by_slot(std::vector<limit_window> const& windows) {
    std::vector<std::vector<std::size_t>> groups;
    std::vector<std::uint16_t> slots;
    for (std::size_t i = 0; i < windows.size(); ++i) {
        auto const slot = key_slot(windows[i].key);
        auto const at = std::find(slots.begin(), slots.end(), slot) - slots.begin();
        if (at == static_cast<std::ptrdiff_t>(slots.size())) {
            slots.push_back(slot);
            groups.emplace_back();
        }
        groups[at].push_back(i);
    }
    return groups;
}

// The script that leaves `used` of a lease's `admissions` in the windows `group` (0: removes it).
script_call give_back_call(std::vector<limit_window> const& windows, std::vector<std::size_t> const& group,
                           std::string const& member, std::int64_t admissions, std::int64_t used) {
    script_call call{&scripts::window_give_back(), {}, {member, std::to_string(admissions), std::to_string(used)}};
    for (auto const i : group) push_window_keys(call.keys, windows[i]);
    return call;
}
} // namespace

net::awaitable<void> redis_rate_limit_store::give_back(std::vector<limit_window> const& windows,
                                                       std::string const& member, std::int64_t from,
                                                       std::int64_t admissions) {
    if (from > admissions) co_return;
    std::vector<script_call> calls;
    for (auto const& group : by_slot(windows)) calls.push_back(give_back_call(windows, group, member, admissions, from - 1));
    co_await redis_.eval(std::move(calls));
}

// The windows of one slot (those of one hash tag: a key's own limit beside a per-key rule) go in
// one script, all or nothing; each slot's script in the same write.
net::awaitable<window_lease_store::lease_grant> redis_rate_limit_store::record(std::vector<limit_window> const& windows,
                                                                              std::int64_t admissions,
                                                                              std::chrono::milliseconds hold,
                                                                              std::string member) {
    auto const groups = by_slot(windows);
    std::vector<script_call> calls;
    for (auto const& group : groups) {
        script_call call{&scripts::sliding_windows(), {}, {}};
        for (auto const i : group) {
            push_window_keys(call.keys, windows[i]);
            call.args.push_back(std::to_string(windows[i].limit));
            call.args.push_back(std::to_string(windows[i].window.count()));
        }
        call.args.push_back(std::to_string(admissions));
        call.args.push_back(std::to_string(hold.count()));
        call.args.push_back(member);
        calls.push_back(std::move(call));
    }
    auto replies = co_await redis_.eval(std::move(calls));
    std::vector<window_verdict> out(windows.size());
    std::vector<bool> written(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
        auto const& r = replies.at(g);
        written[g] = element(r, 0) == 1;
        for (std::size_t j = 0; j < groups[g].size(); ++j)
            out[groups[g][j]] = {element(r, 1 + 3 * j) == 1, element(r, 2 + 3 * j),
                                 std::chrono::milliseconds(element(r, 3 + 3 * j))};
    }
    if (std::all_of(written.begin(), written.end(), [](bool w) { return w; }))
        co_return lease_grant{true, std::move(out), std::move(member)};
    // Refused: the slots that admitted it take it back ("only admitted requests count").
    std::vector<script_call> undo;
    for (std::size_t g = 0; g < groups.size(); ++g)
        if (written[g]) {
            undo.push_back(give_back_call(windows, groups[g], member, admissions, 0));
            for (auto const i : groups[g]) out[i].remaining += admissions;
        }
    if (!undo.empty()) {
        try {
            co_await redis_.eval(std::move(undo));
        } catch (store_unavailable const&) {
            // The entries expire with their window; the refusal stands.
        }
    }
    co_return lease_grant{false, std::move(out), std::move(member)};
}

std::string redis_quota_store::base_key(std::string const& subject) {
    constexpr std::string_view provider_prefix = "provider:";
    if (subject.rfind(provider_prefix, 0) == 0) return "quota:{" + subject.substr(provider_prefix.size()) + "}";
    return "quota:{" + subject + "}";
}

namespace {
std::vector<std::string> window_keys(std::string const& base, std::string const& day, std::string const& month) {
    return {base + ":" + day, base + ":" + month, base + ":leases"};
}
// {2, now}: the windows named were not the server's (its clock is in another day).
std::optional<std::int64_t> server_day_differs(redis_value const& r) {
    if (r.type == redis_value::kind::array && r.elements.size() == 2 && r.elements[0].type == redis_value::kind::integer &&
        r.elements[0].integer == 2)
        return element(r, 1);
    return std::nullopt;
}
} // namespace

// Named once a day (the names and bounds stay while `now` is in the same day).
redis_quota_store::quota_windows const& redis_quota_store::windows_at(std::int64_t now) {
    if (now < windows_.day_start || now >= windows_.day_reset) {
        auto const next_day = domain::next_day_start(now);
        windows_ = {domain::day_id(now), domain::month_id(now), next_day - 86400, next_day,
                    domain::next_month_start(now)};
    }
    return windows_;
}

// The windows are named from this instance's clock corrected by what the server said last; when
// the server's day differs, the script changes nothing and the call is made again with the
// server's day (twice at most: a day can turn between the two).
net::awaitable<redis_value> redis_quota_store::run_in_windows(redis_script const& script, std::string const& subject,
                                                              std::vector<std::string> const& head,
                                                              std::vector<std::string> const& tail) {
    auto const base = base_key(subject);
    auto const local = clock_();
    auto now = local + offset_;
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto const& w = windows_at(now);
        std::vector<std::string> args = head;
        for (auto v : {w.day_start, w.day_reset, w.month_reset}) args.push_back(std::to_string(v));
        args.push_back(w.day);
        args.push_back(w.month);
        args.insert(args.end(), tail.begin(), tail.end());
        std::vector<script_call> call{{&script, window_keys(base, w.day, w.month), std::move(args)}};
        auto replies = co_await redis_.eval(std::move(call));
        auto server_now = server_day_differs(replies.at(0));
        if (!server_now) co_return std::move(replies.at(0));
        offset_ = *server_now - local;
        now = *server_now;
    }
    throw store_unavailable("redis's clock keeps moving to another day than the one named");
}

net::awaitable<quota_verdict> redis_quota_store::reserve(std::string const& subject, domain::quota_counts charge,
                                                         domain::quota_limits const& limits,
                                                         bool report_refusal) {
    std::vector<std::string> args;
    push_counts(args, charge);
    push_limits(args, limits);
    args.push_back(std::to_string(retention_.count()));
    auto lease_id = instance_tag() + ":" + std::to_string(next_member_sequence());
    args.push_back(lease_id);
    args.push_back(std::to_string(lease_.count()));
    args.push_back(levels_text(levels_));
    std::vector<std::string> const tail{report_refusal ? "1" : "0"};
    auto const r = co_await run_in_windows(scripts::quota_reserve(), subject, args, tail);
    quota_verdict v;
    v.admitted = element(r, 0) == 1;
    if (!v.admitted) {
        v.use = 1.0;
        v.exhausted = static_cast<domain::quota_metric>(element(r, 1));
        v.reset_unix = element(r, 2);
        v.counted = element(r, 5);
        v.alerts = alerts_from(r, 6);
        co_return v;
    }
    v.reservation = {subject, text_element(r, 3), text_element(r, 4), charge, std::move(lease_id)};
    v.use = static_cast<double>(element(r, 5)) / 1000.0;
    v.alerts = alerts_from(r, 6);
    co_return v;
}

net::awaitable<std::vector<domain::quota_alert>>
redis_quota_store::settle(quota_reservation const& reservation, std::optional<domain::quota_counts> actual,
                          domain::quota_limits const& limits) {
    std::vector<std::string> args{reservation.day, reservation.month};
    push_counts(args, reservation.charge);
    args.push_back(actual ? "1" : "0");
    push_counts(args, actual.value_or(domain::quota_counts{}));
    push_limits(args, limits);
    args.push_back(reservation.lease_id);
    args.push_back(levels_text(levels_));
    std::vector<script_call> call{{&scripts::quota_settle(),
                                   window_keys(base_key(reservation.subject), reservation.day, reservation.month),
                                   std::move(args)}};
    auto replies = co_await redis_.eval(std::move(call));
    co_return alerts_from(replies.at(0), 0);
}

net::awaitable<quota_snapshot> redis_quota_store::snapshot(std::string const& subject) {
    auto const r = co_await run_in_windows(scripts::quota_peek(), subject, {}, {});
    quota_snapshot s;
    s.day = text_element(r, 0);
    s.month = text_element(r, 1);
    s.day_state.used = {element(r, 2), element(r, 3), element(r, 4)};
    s.day_state.reserved = {element(r, 5), element(r, 6), element(r, 7)};
    s.day_state.alerted = static_cast<unsigned>(element(r, 8));
    s.month_state.used = {element(r, 16), element(r, 9), element(r, 10)};
    s.month_state.reserved = {element(r, 17), element(r, 11), element(r, 12)};
    s.month_state.alerted = static_cast<unsigned>(element(r, 13));
    s.day_reset_unix = element(r, 14);
    s.month_reset_unix = element(r, 15);
    co_return s;
}

net::awaitable<domain::budget_decision> redis_budget_store::reserve(std::string const& id, std::int64_t tokens,
                                                                    domain::priority p,
                                                                    domain::budget_limits const& limits,
                                                                    domain::time_point) {
    char usd[32];
    std::snprintf(usd, sizeof usd, "%.9f", limits.max_usd);
    char share[32];
    std::snprintf(share, sizeof share, "%.9f", limits.shares[static_cast<std::size_t>(p)]);
    std::string const p0 = p == domain::priority::p0 ? "1" : "0";
    std::vector<script_call> call{{&scripts::budget_reserve(),
                                   {"budget:{" + id + "}"},
                                   {std::to_string(tokens), share, std::to_string(limits.max_calls),
                                    std::to_string(limits.max_tokens), usd,
                                    std::to_string(std::max<long long>(1, limits.ttl.count())), p0}}};
    auto replies = co_await redis_.eval(std::move(call));
    domain::budget_decision d;
    d.admitted = replies.at(0).integer == 1;
    co_return d; // `after` is not read by the dispatcher; the store holds the usage
}

net::awaitable<void> redis_budget_store::adjust(std::string const& id, domain::budget_usage delta, domain::time_point) {
    char usd[32];
    std::snprintf(usd, sizeof usd, "%.9f", delta.usd);
    std::vector<script_call> call{{&scripts::budget_adjust(),
                                   {"budget:{" + id + "}"},
                                   {std::to_string(delta.calls), std::to_string(delta.tokens), usd}}};
    co_await redis_.eval(std::move(call));
}

namespace {
std::vector<std::string> meter_keys(std::string const& key_id) {
    std::string const base = "meter:{key:" + key_id + "}";
    return {base, base + ":calls"};
}
} // namespace

net::awaitable<meter_verdict> redis_key_meter_store::acquire(meter_claim const& c) {
    std::vector<script_call> call{{&scripts::meter_acquire(),
                                   meter_keys(c.key_id),
                                   {std::to_string(c.tokens), std::to_string(c.tokens_per_minute),
                                    std::to_string(c.max_concurrent), c.lease, std::to_string(c.lease_for.count())}}};
    auto replies = co_await redis_.eval(std::move(call));
    auto const& r = replies.at(0);
    auto const code = element(r, 0);
    if (code < 0 || code > 3) throw store_unavailable("redis script returned an unexpected reply");
    co_return meter_verdict{static_cast<meter_verdict::refusal>(code), std::chrono::milliseconds(element(r, 1))};
}

net::awaitable<void> redis_key_meter_store::release(meter_claim const& c, std::int64_t used) {
    std::vector<script_call> call{{&scripts::meter_release(),
                                   meter_keys(c.key_id),
                                   {c.lease, std::to_string(c.tokens), std::to_string(used),
                                    std::to_string(c.tokens_per_minute)}}};
    co_await redis_.eval(std::move(call));
}

// Sent after the claim on the same connection, so it runs after the claim if the claim runs at all.
net::awaitable<void> redis_key_meter_store::abandon(meter_claim const& c) {
    if (c.max_concurrent <= 0) co_return; // no slot taken
    std::vector<std::vector<std::string>> zrem{{"ZREM", meter_keys(c.key_id).at(1), c.lease}};
    co_await redis_.pipeline(std::move(zrem));
}

net::awaitable<meter_lease_store::lease_grant> redis_key_meter_store::lease(meter_claim const& c, std::int64_t first_slot,
                                                                            std::int64_t slots, std::int64_t tokens,
                                                                            double below) {
    std::vector<script_call> call{{&scripts::meter_lease(),
                                   meter_keys(c.key_id),
                                   {std::to_string(slots), std::to_string(tokens), std::to_string(c.tokens_per_minute),
                                    std::to_string(c.max_concurrent), c.lease, std::to_string(c.lease_for.count()),
                                    std::to_string(static_cast<long long>(below * 1000)), std::to_string(first_slot)}}};
    auto replies = co_await redis_.eval(std::move(call));
    auto const& r = replies.at(0);
    auto const code = element(r, 0);
    if (code < 0 || code > 2) throw store_unavailable("redis script returned an unexpected reply");
    co_return lease_grant{code == 0, static_cast<double>(element(r, 1)) / 1000.0};
}

net::awaitable<void> redis_key_meter_store::give_back(meter_claim const& c, std::int64_t first_slot,
                                                      std::int64_t last_slot, std::int64_t tokens) {
    std::vector<script_call> call{{&scripts::meter_give_back(),
                                   meter_keys(c.key_id),
                                   {c.lease, std::to_string(first_slot), std::to_string(last_slot),
                                    std::to_string(tokens), std::to_string(c.tokens_per_minute)}}};
    co_await redis_.eval(std::move(call));
}

} // namespace switchboard::adapters
