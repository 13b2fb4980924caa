// Per-core metric shards and the Prometheus text format.
#include "adapters/observability/metrics.hpp"

#include "domain/utf8.hpp"

#include <array>
#include <cstdio>
#include <map>

namespace switchboard::adapters {

namespace {
// Request latencies: 1 ms … 60 s. Gateway overhead: 10 µs … 100 ms. Upstream: as requests.
constexpr std::array<double, 15> request_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                 0.5,   1,      2.5,   5,    10,    30,   60};
constexpr std::array<double, 13> overhead_buckets{0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                  0.0025,  0.005,    0.01,    0.025,  0.05,    0.1};

struct family_info {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::span<double const> buckets = {};
};

constexpr std::array<family_info, 16> families{{
    {"switchboard_http_requests_total", "counter", "HTTP requests answered, by route and status."},
    {"switchboard_rate_limit_rejections_total", "counter", "Requests refused by an inbound rate limit."},
    {"switchboard_upstream_requests_total", "counter", "Attempts sent to providers, by outcome."},
    {"switchboard_upstream_errors_total", "counter", "Failed provider attempts, by error type."},
    {"switchboard_upstream_retries_total", "counter", "Attempts repeated on the same deployment."},
    {"switchboard_fallbacks_total", "counter", "Calls that left a provider for the next deployment."},
    {"switchboard_input_tokens_total", "counter", "Prompt tokens of served calls."},
    {"switchboard_output_tokens_total", "counter", "Completion tokens of served calls."},
    {"switchboard_cost_usd_total", "counter", "Cost of served calls in US dollars."},
    {"switchboard_stream_malformed_events_total", "counter", "Stream events skipped as unparseable."},
    {"switchboard_stream_resumes_total", "counter", "Streams cut after content and finished on another deployment."},
    {"switchboard_http_request_duration_seconds", "histogram", "Time from request to response.",
     request_buckets},
    {"switchboard_gateway_overhead_seconds", "histogram",
     "Time spent in the gateway: request duration minus the time waiting on providers.", overhead_buckets},
    {"switchboard_upstream_request_duration_seconds", "histogram", "Duration of one provider attempt.",
     request_buckets},
}};

family_info const& info(metric m) {
    return families[static_cast<std::size_t>(m)];
}

std::string format_number(double v) {
    char buf[40];
    if (v == static_cast<double>(static_cast<long long>(v)) && v < 1e15 && v > -1e15)
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    else
        std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

void render_labels(std::string& out, metric_labels labels) {
    if (labels.size() == 0) return;
    out += '{';
    bool first = true;
    for (auto const& [name, value] : labels) {
        if (!first) out += ',';
        first = false;
        out += name;
        out += "=\"";
        append_escaped_label_value(out, value);
        out += '"';
    }
    out += '}';
}

// `{a="b"}` + le → `{a="b",le="0.5"}`; `` + le → `{le="0.5"}`.
std::string with_le(std::string_view labels, std::string_view le) {
    std::string out;
    if (labels.empty()) {
        out = "{le=\"";
    } else {
        out.assign(labels.substr(0, labels.size() - 1));
        out += ",le=\"";
    }
    out += le;
    out += "\"}";
    return out;
}
} // namespace

void append_escaped_label_value(std::string& out, std::string_view value) {
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto const c = static_cast<unsigned char>(value[i]);
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else if (c < 0x20 || c == 0x7f)
            out += domain::utf8_replacement; // CR, NUL…: no line-based reader may be split by one
        else if (c < 0x80)
            out += static_cast<char>(c);
        else if (auto const n = domain::utf8_sequence_at(value, i); n > 0) {
            out.append(value.substr(i, n));
            i += n - 1;
        } else {
            out += domain::utf8_replacement; // the exposition format is UTF-8
        }
    }
}

metrics_shard::series& metrics_shard::find(metric m, metric_labels labels) {
    // The key is built into a per-thread buffer and looked up as a view: a series seen before
    // (every one but the first time) costs no allocation and no escaping.
    thread_local std::string key;
    key.assign(1, static_cast<char>('A' + static_cast<int>(m)));
    for (auto const& label : labels) {
        auto const size = static_cast<std::uint32_t>(label.second.size());
        key.append(reinterpret_cast<char const*>(&size), sizeof size);
        key += label.second;
    }
    if (auto found = series_.find(std::string_view(key)); found != series_.end()) return found->second;
    auto [it, inserted] = series_.try_emplace(key);
    if (inserted) {
        render_labels(it->second.labels, labels);
        if (!info(m).buckets.empty()) it->second.bucket.assign(info(m).buckets.size() + 1, 0);
    }
    return it->second;
}

void metrics_shard::add(metric m, metric_labels labels, double amount) {
    std::lock_guard lock(mutex_);
    find(m, labels).value += amount;
}

void metrics_shard::observe(metric m, metric_labels labels, double seconds) {
    auto const& bounds = info(m).buckets;
    std::size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i]) ++i;
    std::lock_guard lock(mutex_);
    auto& s = find(m, labels);
    s.value += seconds;
    ++s.count;
    ++s.bucket[i];
}

void exposition::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void exposition::sample(std::string_view name, metric_labels labels, double value) {
    out_ += name;
    render_labels(out_, labels);
    out_ += ' ';
    out_ += format_number(value);
    out_ += '\n';
}

metrics_shard& metrics_registry::add_shard() {
    std::lock_guard lock(mutex_);
    shards_.push_back(std::make_unique<metrics_shard>());
    return *shards_.back();
}

void metrics_registry::render(std::string& out) const {
    std::map<std::string, metrics_shard::series> merged;
    {
        std::lock_guard lock(mutex_);
        for (auto const& shard : shards_) {
            std::lock_guard shard_lock(shard->mutex_);
            for (auto const& [key, s] : shard->series_) {
                auto& total = merged[key.substr(0, 1) + s.labels];
                total.value += s.value;
                total.count += s.count;
                if (total.bucket.size() < s.bucket.size()) total.bucket.resize(s.bucket.size(), 0);
                for (std::size_t i = 0; i < s.bucket.size(); ++i) total.bucket[i] += s.bucket[i];
            }
        }
    }
    for (std::size_t f = 0; f < families.size(); ++f) {
        auto const& fam = families[f];
        exposition(out).family(fam.name, fam.type, fam.help);
        char const tag = static_cast<char>('A' + f);
        auto it = merged.lower_bound(std::string(1, tag));
        bool any = false;
        for (; it != merged.end() && it->first.front() == tag; ++it) {
            any = true;
            std::string_view const labels = std::string_view(it->first).substr(1);
            auto const& s = it->second;
            if (fam.buckets.empty()) {
                out += fam.name;
                out += labels;
                out += ' ';
                out += format_number(s.value);
                out += '\n';
                continue;
            }
            std::string const base(fam.name);
            std::uint64_t cumulative = 0;
            for (std::size_t b = 0; b <= fam.buckets.size(); ++b) {
                cumulative += s.bucket[b];
                auto const le = b < fam.buckets.size() ? format_number(fam.buckets[b]) : std::string("+Inf");
                out += base + "_bucket" + with_le(labels, le) + ' ' + format_number(static_cast<double>(cumulative)) + '\n';
            }
            out += base + "_sum" + std::string(labels) + ' ' + format_number(s.value) + '\n';
            out += base + "_count" + std::string(labels) + ' ' + format_number(static_cast<double>(s.count)) + '\n';
        }
    }
}

} // namespace switchboard::adapters
