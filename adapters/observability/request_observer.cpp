// The request log line and request metrics.
#include "adapters/observability/request_observer.hpp"

#include "adapters/ledger/ledger_writer.hpp"
#include "adapters/observability/log_line.hpp"
#include "domain/utf8.hpp"

#include <cmath>

namespace switchboard::adapters {

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end; // a continuation byte
    return text.substr(0, end);
}

std::string_view request_observer::tenant_label(std::string_view tenant) const {
    return tenant_labels_.contains(tenant) ? tenant : std::string_view("other");
}

void request_observer::keep_in_ledger(finished_request const& r) const {
    auto us = [](std::chrono::steady_clock::duration d) {
        return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    };
    domain::ledger::usage_row row;
    row.at_unix_ms = wall_clock_();
    row.request_id = r.request_id;
    // What a client chose is stored as well-formed UTF-8 (a PostgreSQL text column refuses
    // anything else, and the whole batch with it).
    row.tenant = r.tenant;
    row.key_id = domain::valid_utf8_text(r.key_hint);
    row.end_user = domain::valid_utf8_text(r.end_user);
    row.route = r.route;
    row.model_group = domain::valid_utf8_text(r.model_group);
    row.status = r.status;
    row.error_code = r.error_code;
    row.latency_us = us(r.total);
    row.overhead_us = row.latency_us;
    row.budget_id = r.budget_id;
    if (auto const* rec = r.record) {
        row.provider = rec->provider;
        row.model = rec->model;
        if (rec->served) {
            row.tokens_in = rec->usage.prompt_tokens;
            row.tokens_out = rec->usage.completion_tokens;
            row.tokens_cached = rec->usage.cache_read_tokens;
            row.cost_usd = rec->cost_usd;
        }
        row.saved_usd = rec->saved_usd;
        row.overhead_us = std::max<std::int64_t>(0, row.latency_us - us(rec->upstream_wait));
        row.cache = rec->cache;
    }
    if (auto const& o = ledger_->options(); o.payloads)
        row.payload = domain::ledger::usage_row::bodies{
            domain::valid_utf8_text(utf8_prefix(r.request_body, o.payload_max_chars)),
            domain::valid_utf8_text(utf8_prefix(r.response_body, o.payload_max_chars))};
    ledger_->push(std::move(row)); // a full queue drops it (counted)
}

void request_observer::finished(finished_request const& r) const {
    if (ledger_ && (r.call || !r.model_group.empty())) keep_in_ledger(r);
    using seconds = std::chrono::duration<double>;
    auto const total = r.total;
    auto const upstream = r.record ? r.record->upstream_wait : std::chrono::steady_clock::duration{};
    auto const overhead = total > upstream ? total - upstream : std::chrono::steady_clock::duration{};
    if (metrics_) {
        auto const status = std::to_string(r.status);
        metrics_->add(metric::http_requests, {{"route", r.route}, {"status", status}});
        metrics_->observe(metric::http_request_duration, {{"route", r.route}}, seconds(total).count());
        metrics_->observe(metric::gateway_overhead, {{"route", r.route}}, seconds(overhead).count());
        if (r.record && r.record->served) {
            auto const& rec = *r.record;
            std::initializer_list<std::pair<std::string_view, std::string_view>> const labels{
                {"provider", rec.provider}, {"model", rec.model_label}, {"tenant", tenant_label(r.tenant)}};
            metrics_->add(metric::input_tokens, labels, static_cast<double>(rec.usage.prompt_tokens));
            metrics_->add(metric::output_tokens, labels, static_cast<double>(rec.usage.completion_tokens));
            metrics_->add(metric::cost_usd, labels, rec.cost_usd);
        }
    }

    auto const level = r.status >= 500 ? log_level::warning : log_level::info;
    if (!log_enabled(level)) return;
    auto us = [](std::chrono::steady_clock::duration d) {
        return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    };
    log_line line(level, "request");
    line.add("request_id", r.request_id)
        .add("method", r.method)
        .add("route", r.route)
        .add("status", r.status)
        .add("client_ip", r.client_ip)
        .add("tenant", r.tenant)
        .add("latency_us", us(total))
        .add("upstream_us", us(upstream))
        .add("overhead_us", us(total) - us(upstream))
        .add("cache", r.record && !r.record->cache.empty() ? r.record->cache : std::string_view("disabled"));
    if (!r.key_hint.empty()) line.add("api_key", r.key_hint);
    if (r.record && r.record->attempts > 0) {
        auto const& rec = *r.record;
        line.add("provider", rec.provider).add("model", rec.model).add("attempts", rec.attempts);
        if (rec.served)
            line.add("tokens_in", rec.usage.prompt_tokens)
                .add("tokens_out", rec.usage.completion_tokens)
                .add("cost_usd", rec.cost_usd);
    }
    if (r.record && r.record->quota_remaining)
        line.add("quota_remaining_pct", static_cast<int>(std::floor(*r.record->quota_remaining * 100.0)));
    if (!r.error_code.empty()) line.add("error_code", r.error_code);
    if (options_.include_payloads) {
        line.add("request_body", utf8_prefix(r.request_body, options_.payload_max_chars));
        line.add("response_body", utf8_prefix(r.response_body, options_.payload_max_chars));
    }
    line.write();
}

} // namespace switchboard::adapters
