#pragma once
// Prometheus metrics in the text exposition format (version 0.0.4).
//
// Counters and histograms are recorded by each core into its own shard: a map behind a mutex
// that only the owning core and the scrape ever take, so recording costs an uncontended lock
// and a hash lookup. A scrape merges the shards. Gauges (breaker states, quotas, in-flight…)
// are read from their sources at scrape time with `exposition`.
//
// Label values must come from bounded sets (configured providers, models, tenants, routes,
// HTTP statuses, error types); callers map anything else to "other".
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace switchboard::adapters {

enum class metric {
    // counters
    http_requests,         // {route, status}
    rate_limit_rejections, // {route, scope}
    upstream_requests,     // {provider, model, outcome}
    upstream_errors,       // {provider, type}
    upstream_retries,      // {provider}
    fallbacks,             // {provider}: calls that left this provider for the next deployment
    input_tokens,          // {provider, model, tenant}
    output_tokens,         // {provider, model, tenant}
    cost_usd,              // {provider, model, tenant}
    stream_malformed,      // {provider}: stream events skipped because they could not be understood
    stream_resumes,        // {provider, mode}: cut streams finished on this provider
    // histograms (seconds)
    http_request_duration,     // {route}
    gateway_overhead,          // {route}: total minus the time spent waiting on providers
    upstream_request_duration, // {provider, model}: one attempt
};

using metric_labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class metrics_shard {
  public:
    void add(metric m, metric_labels labels, double amount = 1);
    void observe(metric m, metric_labels labels, double seconds);

  private:
    friend class metrics_registry;
    struct series {
        std::string labels;                // rendered once: `{provider="openai"}`, or empty
        double value = 0;                  // counter value, or histogram sum
        std::uint64_t count = 0;           // histogram observations
        std::vector<std::uint64_t> bucket; // histogram: per bucket (not cumulative), +Inf last
    };
    series& find(metric m, metric_labels labels); // caller holds mutex_
    mutable std::mutex mutex_;
    // Key: the metric's index, then each label value after its length (names are fixed per
    // metric): cheap to build per update; the escaped text is rendered once, into the series.
    struct key_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
    };
    std::unordered_map<std::string, series, key_hash, std::equal_to<>> series_;
};

// Appends samples in the exposition format; each family's HELP and TYPE come first.
class exposition {
  public:
    explicit exposition(std::string& out) : out_(out) {}
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, metric_labels labels, double value);

  private:
    std::string& out_;
};

class metrics_registry {
  public:
    metrics_shard& add_shard(); // one per core, before serving; lives as long as the registry
    // Every counter and histogram, merged over the shards. Label-less counters are present at 0
    // before their first increment, so dashboards see them from the start.
    void render(std::string& out) const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<metrics_shard>> shards_;
};

// Appends `value` with Prometheus label value escaping: backslash, double quote and newline.
void append_escaped_label_value(std::string& out, std::string_view value);

} // namespace switchboard::adapters
