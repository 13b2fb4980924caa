// GET /metrics (and /api/metrics): the per-core counters and histograms merged, plus gauges
// read from their sources at scrape time — in-flight requests, gateway mode, breakers, quotas,
// the shared store, provider probes, the log sink and the process itself.
#include "adapters/webhooks/webhook_sender.hpp"
#include "adapters/http/api_router.hpp"

#include "adapters/cache/response_cache.hpp"
#include "adapters/ledger/usage_reader.hpp"

#include "adapters/http/router_responses.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/store/store_error.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
double process_start_unix() {
    static double const started =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return started;
}
[[maybe_unused]] double const process_started = process_start_unix(); // read at load time

void process_metrics(exposition& out) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    double const cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
    out.sample("process_cpu_seconds_total", {}, cpu);
    long pages = 0, resident = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    out.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out.sample("process_resident_memory_bytes", {}, static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)));
    std::error_code ec;
    double fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec))
        ++fds;
    out.family("process_open_fds", "gauge", "Number of open file descriptors.");
    out.sample("process_open_fds", {}, fds);
    out.family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.");
    out.sample("process_start_time_seconds", {}, process_start_unix());
}

// The usage ledger's writer: rows written, dropped (queue full) and failed (store error), rows
// deleted by retention, and the queue's depth.
void ledger_metrics(exposition& out, ledger_counts const& c) {
    out.family("switchboard_ledger_rows_total", "counter", "Usage ledger rows by outcome: written, dropped (queue full), failed (store error).");
    out.sample("switchboard_ledger_rows_total", {{"outcome", "written"}}, static_cast<double>(c.written));
    out.sample("switchboard_ledger_rows_total", {{"outcome", "dropped"}}, static_cast<double>(c.dropped));
    out.sample("switchboard_ledger_rows_total", {{"outcome", "failed"}}, static_cast<double>(c.failed));
    out.family("switchboard_ledger_rows_deleted_total", "counter", "Usage ledger rows deleted by retention.");
    out.sample("switchboard_ledger_rows_deleted_total", {}, static_cast<double>(c.forgotten));
    out.family("switchboard_ledger_retention_runs_total", "counter", "Completed retention runs of the usage ledger.");
    out.sample("switchboard_ledger_retention_runs_total", {}, static_cast<double>(c.retention_runs));
    out.family("switchboard_ledger_queue_rows", "gauge", "Usage ledger rows waiting to be written.");
    out.sample("switchboard_ledger_queue_rows", {}, static_cast<double>(c.queued));
}

// Webhooks on this instance: events by outcome, delivery attempts, deliveries pending.
void webhook_metrics(exposition& out, webhook_counts const& c) {
    out.family("switchboard_webhook_events_total", "counter",
               "Webhook events: published, dropped (queue full), duplicates (already claimed by an instance).");
    out.sample("switchboard_webhook_events_total", {{"outcome", "published"}}, static_cast<double>(c.published));
    out.sample("switchboard_webhook_events_total", {{"outcome", "dropped"}}, static_cast<double>(c.dropped));
    out.sample("switchboard_webhook_events_total", {{"outcome", "duplicate"}}, static_cast<double>(c.duplicates));
    out.family("switchboard_webhook_deliveries_total", "counter", "Webhook deliveries ended: delivered, failed (retries exhausted).");
    out.sample("switchboard_webhook_deliveries_total", {{"outcome", "delivered"}}, static_cast<double>(c.delivered));
    out.sample("switchboard_webhook_deliveries_total", {{"outcome", "failed"}}, static_cast<double>(c.failed));
    out.family("switchboard_webhook_attempts_total", "counter", "Webhook delivery attempts (POSTs sent or tried).");
    out.sample("switchboard_webhook_attempts_total", {}, static_cast<double>(c.attempts));
    out.family("switchboard_webhook_pending", "gauge", "Webhook deliveries waiting for their next attempt.");
    out.sample("switchboard_webhook_pending", {}, static_cast<double>(c.pending));
}

void cache_metrics(exposition& out, cache_figures const& c) {
    auto counter = [&](std::string_view name, std::string_view help, double v) {
        out.family(name, "counter", help);
        out.sample(name, {}, v);
    };
    auto gauge = [&](std::string_view name, std::string_view help, double v) {
        out.family(name, "gauge", help);
        out.sample(name, {}, v);
    };
    counter("switchboard_cache_hits_total", "Answers served from the cache.", static_cast<double>(c.hits));
    counter("switchboard_cache_misses_total", "Cacheable calls the cache could not answer.", static_cast<double>(c.misses));
    counter("switchboard_cache_bypasses_total", "Calls the cache did not read (not cacheable, or Cache-Control: no-cache).",
            static_cast<double>(c.bypasses));
    counter("switchboard_cache_coalesced_total", "Misses answered by an identical call already in flight.",
            static_cast<double>(c.coalesced));
    counter("switchboard_cache_shared_failures_total",
            "Calls for which the shared cache (Redis) could not answer: the cache was bypassed.",
            static_cast<double>(c.shared_failures));
    counter("switchboard_cache_semantic_hits_total", "Of the hits, answers of a paraphrase (semantic cache).",
            static_cast<double>(c.semantic_hits));
    counter("switchboard_cache_embedding_failures_total",
            "Prompts the semantic cache's embedding model could not embed (no semantic lookup).",
            static_cast<double>(c.embedding_failures));
    counter("switchboard_cache_stores_total", "Answers kept in the cache.", static_cast<double>(c.stores));
    counter("switchboard_cache_evictions_total", "Entries dropped to stay within cache.max_bytes.",
            static_cast<double>(c.memory.evictions));
    counter("switchboard_cache_saved_usd_total", "What the answers served from the cache cost when they were paid.",
            c.usd_saved);
    gauge("switchboard_cache_entries", "Entries in the in-process cache.", static_cast<double>(c.memory.entries));
    gauge("switchboard_cache_semantic_entries", "Prompts in the semantic index.", static_cast<double>(c.semantic_entries));
    gauge("switchboard_cache_bytes", "Bytes held by the in-process cache.", static_cast<double>(c.memory.bytes));
}

void store_metrics(exposition& out, std::string& text, redis_stats const* s, std::string const& kind) {
    out.family("switchboard_store_up", "gauge", "Whether the state store answers (1) or not (0).");
    out.sample("switchboard_store_up", {{"kind", kind}}, !s || s->connections_up.load() > 0 ? 1 : 0);
    if (!s) return;
    auto counter = [&](std::string_view name, std::string_view help, double v) {
        out.family(name, "counter", help);
        out.sample(name, {}, v);
    };
    counter("switchboard_store_errors_total", "Store calls that failed (connection lost or timed out).",
            static_cast<double>(s->failures.load()));
    counter("switchboard_store_timeouts_total", "Store calls that timed out.", static_cast<double>(s->timeouts.load()));
    counter("switchboard_store_outages_total", "Times a ready store connection was lost.",
            static_cast<double>(s->outages.load()));
    counter("switchboard_store_fallbacks_total", "Decisions taken by a fail mode because the store was down.",
            static_cast<double>(s->fallbacks.load()));
    counter("switchboard_store_slot_maps_total", "Redis Cluster slot maps read (CLUSTER SLOTS), over every core.",
            static_cast<double>(s->slot_maps.load()));
    counter("switchboard_store_redirections_total", "Redis Cluster -MOVED and -ASK replies followed.",
            static_cast<double>(s->redirections.load()));
    if (!s->quota_leases.empty()) {
        std::pair<char const*, lease_totals> const kinds[] = {{"quota", sum_lease_counters(s->quota_leases)},
                                                              {"limit", sum_lease_counters(s->limit_leases)},
                                                              {"meter", sum_lease_counters(s->meter_leases)}};
        out.family("switchboard_store_leases_total", "counter",
                   "Leases taken from the store (store.leases): quota reservations, rate-limit admissions, "
                   "key meter slots and tokens.");
        for (auto const& [kind, t] : kinds)
            out.sample("switchboard_store_leases_total", {{"kind", kind}}, static_cast<double>(t.leases));
        out.family("switchboard_store_lease_calls_total", "counter",
                   "Calls counted from a lease on this instance (from=lease) or on their own in the store (from=store).");
        for (auto const& [kind, t] : kinds) {
            out.sample("switchboard_store_lease_calls_total", {{"kind", kind}, {"from", "lease"}},
                       static_cast<double>(t.from_lease));
            out.sample("switchboard_store_lease_calls_total", {{"kind", kind}, {"from", "store"}},
                       static_cast<double>(t.alone));
        }
    }
    std::string_view const name = "switchboard_store_round_trip_seconds";
    out.family(name, "histogram", "Round trip of one pipelined exchange with the store.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < s->round_trip_buckets.size(); ++i) {
        cumulative += s->round_trip_buckets[i].load(std::memory_order_relaxed);
        char le[32];
        if (i < redis_stats::round_trip_bounds_us.size())
            std::snprintf(le, sizeof le, "%g", static_cast<double>(redis_stats::round_trip_bounds_us[i]) / 1e6);
        else
            std::snprintf(le, sizeof le, "+Inf");
        text += std::string(name) + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    text += std::string(name) + "_sum " + std::to_string(static_cast<double>(s->round_trip_sum_us.load()) / 1e6) + "\n";
    text += std::string(name) + "_count " + std::to_string(s->round_trips.load()) + "\n";
}

// Quota gauges from the keeper's report: used, reserved and limit per subject and window.
void quota_metrics(exposition& out, json::object const& report) {
    struct row {
        std::string kind, name, window, unit;
        double used, reserved, limit;
    };
    std::vector<row> rows;
    for (std::string_view kind : {"providers", "tenants"}) {
        auto const* list = report.if_contains(kind);
        if (!list || !list->is_array()) continue;
        for (auto const& entry : list->as_array()) {
            auto const& o = entry.as_object();
            std::string const name(o.at("name").as_string());
            for (std::string_view window : {"day", "month"}) {
                auto const& w = o.at(window).as_object();
                for (std::string_view unit : {"requests", "tokens"}) {
                    auto const* c = w.if_contains(unit);
                    if (!c || c->as_object().at("limit").is_null()) continue;
                    auto const& counts = c->as_object();
                    rows.push_back({std::string(kind == "providers" ? "provider" : "tenant"), name,
                                    std::string(window), std::string(unit), counts.at("used").to_number<double>(),
                                    counts.at("reserved").to_number<double>(), counts.at("limit").to_number<double>()});
                }
            }
        }
    }
    auto family = [&](std::string_view name, std::string_view help, double row::*field) {
        out.family(name, "gauge", help);
        for (auto const& r : rows)
            out.sample(name, {{"subject", r.kind}, {"name", r.name}, {"window", r.window}, {"unit", r.unit}}, r.*field);
    };
    family("switchboard_quota_used", "Quota used in the current window.", &row::used);
    family("switchboard_quota_reserved", "Quota reserved by calls in flight.", &row::reserved);
    family("switchboard_quota_limit", "Quota limit of the window.", &row::limit);
}
} // namespace

net::awaitable<http_response> api_router::metrics(http_request const& req, std::string const& request_id) {
    std::string text;
    text.reserve(16 * 1024);
    if (services_.registry) services_.registry->render(text);
    exposition out(text);

    out.family("switchboard_in_flight_requests", "gauge", "Requests being served.");
    out.sample("switchboard_in_flight_requests", {}, services_.in_flight ? services_.in_flight->load() : 0);

    out.family("switchboard_gateway_mode", "gauge", "The gateway mode: 1 for the current one.");
    for (auto m : {domain::gateway_mode::normal, domain::gateway_mode::degraded, domain::gateway_mode::critical})
        out.sample("switchboard_gateway_mode", {{"mode", domain::mode_name(m)}}, m == dispatch_.mode() ? 1 : 0);

    bool any_available = false;
    auto const deployments = deployment_states(any_available);
    out.family("switchboard_circuit_breaker_state", "gauge", "Circuit breaker state per deployment: 1 for the current one.");
    for (auto const& d : deployments) {
        auto const& o = d.as_object();
        std::string_view const key = o.at("deployment").as_string();
        std::string_view const state = o.at("state").as_string();
        for (std::string_view s : {"closed", "open", "half_open"})
            out.sample("switchboard_circuit_breaker_state", {{"deployment", key}, {"state", s}}, s == state ? 1 : 0);
    }
    out.family("switchboard_deployment_available", "gauge", "Whether a deployment may be called now (breaker and cooldown).");
    for (auto const& d : deployments) {
        auto const& o = d.as_object();
        out.sample("switchboard_deployment_available", {{"deployment", o.at("deployment").as_string()}},
                   o.at("available").as_bool() ? 1 : 0);
    }

    if (services_.quotas) {
        std::optional<json::object> report;
        try {
            report = co_await services_.quotas->report();
        } catch (store_unavailable const&) {
            // The store is down: the quota gauges are left out of this scrape (absent, not zero).
        }
        if (report) quota_metrics(out, *report);
    }

    store_metrics(out, text, services_.store_stats, services_.store_kind);
    if (services_.cache) cache_metrics(out, services_.cache->figures());

    if (services_.probes) {
        auto const probes = services_.probes->snapshot();
        out.family("switchboard_provider_probe_up", "gauge", "Result of the latest health probe per provider.");
        for (auto const& [provider, p] : probes)
            out.sample("switchboard_provider_probe_up", {{"provider", provider}}, p.up ? 1 : 0);
        out.family("switchboard_provider_probe_duration_seconds", "gauge", "Duration of the latest health probe.");
        for (auto const& [provider, p] : probes)
            out.sample("switchboard_provider_probe_duration_seconds", {{"provider", provider}}, p.latency_ms / 1000.0);
    }

    if (services_.usage) ledger_metrics(out, services_.usage->counts());
    if (services_.sender) webhook_metrics(out, services_.sender->counts());

    out.family("switchboard_log_lines_dropped_total", "counter", "Log lines lost because the log writer fell behind.");
    out.sample("switchboard_log_lines_dropped_total", {}, static_cast<double>(dropped_log_lines()));
    out.family("switchboard_build_info", "gauge", "Build information; always 1.");
    out.sample("switchboard_build_info", {{"version", SWITCHBOARD_VERSION}}, 1);
    process_metrics(out);

    auto res = json_response(http::status::ok, std::move(text), req, request_id);
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    co_return res;
}

} // namespace switchboard::adapters
