// Webhook delivery: the queue, the claims, the signed POSTs and their retries.
#include "adapters/webhooks/webhook_sender.hpp"

#include "adapters/hex.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/sha256.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/upstream/address_policy.hpp"
#include "adapters/upstream/http_client.hpp"
#include "adapters/webhooks/webhook_signer.hpp"
#include "domain/webhooks/standard_webhooks.hpp"

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace switchboard::adapters {
namespace wh = domain::webhooks;

namespace {
std::string_view failure_name(transport_failure f) {
    switch (f) {
    case transport_failure::connect_failed:
        return "connect_failed";
    case transport_failure::reset:
        return "reset";
    case transport_failure::timeout:
        return "timeout";
    case transport_failure::bad_response:
        return "bad_response";
    case transport_failure::cancelled:
        return "cancelled";
    }
    return "failed";
}
} // namespace

bool webhook_endpoint::wants(wh::event_type t) const {
    return events.empty() || std::find(events.begin(), events.end(), t) != events.end();
}

webhook_sender::webhook_sender(webhook_options options, net::ssl::context& tls, std::function<std::int64_t()> unix_ms)
    : options_(std::move(options)), tls_(tls), unix_ms_(std::move(unix_ms)), claimed_(unix_ms_) {
    for (auto const& e : options_.endpoints) {
        auto key = wh::secret_key(e.secret);
        if (!key) throw std::invalid_argument("webhooks.endpoints." + e.name + ".secret: must be whsec_ and base64");
        keys_.push_back(std::move(*key));
    }
}

webhook_sender::~webhook_sender() = default;

std::string webhook_sender::event_id(std::string const& identity) {
    auto const digest = sha256(identity);
    return "evt_" + hex_encode(digest.data(), 16);
}

void webhook_sender::publish(wh::event e) noexcept {
    try {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= options_.max_queued) {
            ++dropped_;
            return;
        }
        queue_.push_back(std::move(e));
        ++published_;
    } catch (...) { // allocation failure: the event is lost, never the caller's call
    }
}

webhook_counts webhook_sender::counts() const {
    webhook_counts c;
    {
        std::lock_guard lock(mutex_);
        c.published = published_;
        c.dropped = dropped_;
    }
    c.dropped += overflow_.load();
    c.duplicates = duplicates_.load();
    c.attempts = attempts_.load();
    c.delivered = delivered_.load();
    c.failed = failed_.load();
    c.pending = pending_count_.load();
    return c;
}

net::awaitable<void> webhook_sender::run_once() {
    co_await take_events();
    auto const now = unix_ms_();
    std::vector<std::size_t> stalled; // endpoints that did not answer this turn: their other deliveries wait
    for (auto& p : pending_) {
        if (!wh::due(p.delivery, now)) continue;
        if (std::find(stalled.begin(), stalled.end(), p.endpoint) != stalled.end()) continue;
        co_await attempt(p);
        if (p.delivery.last_status == 0) stalled.push_back(p.endpoint);
    }
    std::erase_if(pending_, [](pending const& p) { return p.delivery.state != wh::delivery_state::pending; });
    pending_count_.store(static_cast<long>(pending_.size()));
}

// Claims each queued event; the first claim of an id makes a delivery per subscribed endpoint.
net::awaitable<void> webhook_sender::take_events() {
    std::deque<wh::event> events;
    {
        std::lock_guard lock(mutex_);
        events.swap(queue_);
    }
    for (auto& e : events) {
        auto const id = event_id(e.identity);
        if (!co_await claim(id)) {
            ++duplicates_;
            continue;
        }
        auto const body = wh::payload(e);
        for (std::size_t i = 0; i < options_.endpoints.size(); ++i) {
            if (!options_.endpoints[i].wants(e.type)) continue;
            if (pending_.size() >= options_.max_queued) {
                ++overflow_;
                continue;
            }
            pending_.push_back({wh::new_delivery(id, std::string(wh::type_name(e.type)), options_.endpoints[i].name,
                                                 unix_ms_()),
                                body, i});
            co_await save(pending_.back().delivery);
        }
    }
}

// This instance's memory first (a fact it reported already), then the store (another instance's
// report). A store that cannot answer leaves the delivery to this instance: at least once.
net::awaitable<bool> webhook_sender::claim(std::string const& id) {
    if (!co_await claimed_.claim(id, options_.dedupe_for)) co_return false;
    bool mine = true;
    try {
        if (store_) mine = co_await store_->claim(id, options_.dedupe_for);
    } catch (store_unavailable const&) {
    }
    co_return mine;
}

http_client& webhook_sender::client_for(std::size_t endpoint, net::any_io_executor executor) {
    auto& slot = clients_[endpoint];
    if (slot) return *slot;
    auto const& e = options_.endpoints[endpoint];
    auto where = parse_origin(e.url);
    if (!where) throw std::invalid_argument("webhooks.endpoints." + e.name + ".url " + where.error()); // checked at load
    http_client_options options;
    options.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.policy.timeout);
    options.max_response_bytes = 64 * 1024; // a receiver's answer is read and dropped
    options.max_idle_connections = 4;
    options.public_addresses_only = public_addresses_only(where->host, e.allow_private_network);
    slot = std::make_unique<http_client>(std::move(executor), tls_, std::move(*where), options);
    return *slot;
}

// One POST of the delivery's payload, signed for this attempt's timestamp.
net::awaitable<void> webhook_sender::attempt(pending& p) {
    auto executor = co_await net::this_coro::executor;
    auto& client = client_for(p.endpoint, executor);
    auto const now_ms = unix_ms_();
    auto const timestamp = now_ms / 1000;
    upstream_request request;
    request.method = "POST";
    request.target = client.where().base_path.empty() ? "/" : ""; // the client puts the URL's path first
    request.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", "switchboard-webhooks"},
                       {"webhook-id", p.delivery.event_id},
                       {"webhook-timestamp", std::to_string(timestamp)},
                       {"webhook-signature", webhook_signature(keys_[p.endpoint], p.delivery.event_id, timestamp, p.body)}};
    request.body = p.body;
    auto const deadline = std::chrono::steady_clock::now() + options_.policy.timeout;
    auto state = co_await net::this_coro::cancellation_state;
    auto cancel = state.slot();
    auto const answer = co_await client.send(request, deadline, cancel);
    ++attempts_;
    wh::attempt_result result;
    if (answer)
        result.status = answer->status;
    else
        result.failure = std::string(failure_name(answer.error()));
    wh::record_attempt(p.delivery, result, options_.policy, unix_ms_());
    if (p.delivery.state == wh::delivery_state::delivered) ++delivered_;
    if (p.delivery.state == wh::delivery_state::failed) {
        ++failed_;
        log_event(log_level::warning, "webhook_failed",
                  {{"endpoint", p.delivery.endpoint},
                   {"event_id", p.delivery.event_id},
                   {"event_type", p.delivery.event_type},
                   {"attempts", p.delivery.attempts},
                   {"error", p.delivery.last_error}});
    }
    co_await save(p.delivery);
}

net::awaitable<void> webhook_sender::save(wh::delivery const& d) {
    if (!store_) co_return;
    try {
        co_await store_->save(d, options_.keep_deliveries);
    } catch (store_unavailable const&) {
        // The record lags until the next save; the delivery itself goes on.
    }
}

void webhook_sender::close() {
    clients_.clear();
}

} // namespace switchboard::adapters
