#pragma once
// The end of every request: one structured log line ("event":"request"), the request metrics
// (count by route and status, duration, gateway overhead, tokens and cost by provider, model and
// tenant) and, for a call (it named a model, endpoint or provider), its row in the usage ledger.
//
// Cardinality: tenants outside `tenant_labels` (the configured ones) are counted as "other";
// routes are the router's fixed paths or "unmatched"; providers and models are configured names.
// Payloads (request and response bodies) are logged only when the operator opted in, cut to
// `payload_max_chars` on a UTF-8 boundary. One observer per core.
#include "adapters/observability/metrics.hpp"
#include "adapters/observability/request_record.hpp"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace switchboard::adapters {

struct request_log_options {
    bool include_payloads = false;
    std::size_t payload_max_chars = 2000;
};

struct finished_request {
    std::string_view request_id;
    std::string_view method;
    std::string_view route; // the matched route's path, or "unmatched"
    std::string_view client_ip;
    std::string_view tenant;
    std::string_view key_hint; // the caller's API key masked (mask_secret), or empty
    int status = 0;
    std::string_view error_code; // the error body's code, for error responses
    std::chrono::steady_clock::duration total{};
    request_record const* record = nullptr; // null for requests that never reached the dispatcher
    std::string_view model_group; // what the call called (empty: not known)
    bool call = false;            // a call (a ledger row), refused or not
    std::string_view end_user;
    std::string_view budget_id;
    std::string_view request_body;
    std::string_view response_body;
};

class ledger_writer;

class request_observer {
  public:
    using wall_clock_fn = std::function<std::int64_t()>; // Unix ms, for the ledger row's time
    request_observer(metrics_shard* metrics, std::set<std::string, std::less<>> tenant_labels,
                     request_log_options options, ledger_writer* ledger = nullptr, wall_clock_fn wall_clock = {})
        : metrics_(metrics), tenant_labels_(std::move(tenant_labels)), options_(options), ledger_(ledger),
          wall_clock_(std::move(wall_clock)) {}

    void finished(finished_request const& r) const;
    std::string_view tenant_label(std::string_view tenant) const;

  private:
    void keep_in_ledger(finished_request const& r) const;

    metrics_shard* metrics_;
    std::set<std::string, std::less<>> tenant_labels_;
    request_log_options options_;
    ledger_writer* ledger_;
    wall_clock_fn wall_clock_;
};

// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

} // namespace switchboard::adapters
