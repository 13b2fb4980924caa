// GET /api/v1/usage: the usage ledger summed per tenant, key, model, provider, route or day over
// a span (domain/ledger/usage_query.hpp). Admin sees every tenant; a tenant's key its own only.
#include "adapters/http/api_route.hpp"

#include "adapters/http/router_responses.hpp"
#include "adapters/ledger/usage_reader.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/calendar.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;
namespace ledger = domain::ledger;

namespace {
using domain::utc_text;

json::object figures(ledger::usage_sums const& s) {
    auto mean = [&](std::int64_t total) { return s.requests ? total / s.requests : 0; };
    return {{"requests", s.requests},
            {"errors", s.errors},
            {"error_rate", s.error_rate()},
            {"tokens_in", s.tokens_in},
            {"tokens_out", s.tokens_out},
            {"tokens_cached", s.tokens_cached},
            {"cost_usd", s.cost_usd},
            {"cache_hits", s.cache_hits},
            {"cache_hit_rate", s.requests ? static_cast<double>(s.cache_hits) / static_cast<double>(s.requests) : 0.0},
            {"cache_saved_usd", s.saved_usd},
            {"mean_latency_us", mean(s.latency_us)},
            {"mean_overhead_us", mean(s.overhead_us)}};
}

ledger::usage_sums add(ledger::usage_sums total, ledger::usage_sums const& s) {
    total.requests += s.requests;
    total.errors += s.errors;
    total.tokens_in += s.tokens_in;
    total.tokens_out += s.tokens_out;
    total.tokens_cached += s.tokens_cached;
    total.cost_usd += s.cost_usd;
    total.saved_usd += s.saved_usd;
    total.cache_hits += s.cache_hits;
    total.latency_us += s.latency_us;
    total.overhead_us += s.overhead_us;
    return total;
}

// `groups` holds one more than the answer lists when there were more: the answer says it was cut
// (`truncated`), and its total is then that of the groups listed.
std::string usage_body(ledger::usage_query const& q, std::vector<ledger::usage_sums> groups) {
    bool const truncated = groups.size() > ledger::max_usage_groups;
    if (truncated) groups.resize(ledger::max_usage_groups);
    json::array data;
    ledger::usage_sums total;
    for (auto const& g : groups) {
        auto entry = figures(g);
        if (q.group_by != ledger::usage_grouping::total) entry.emplace("group", g.group);
        data.push_back(std::move(entry));
        total = add(std::move(total), g);
    }
    json::object body{{"object", "usage"},
                      {"from", utc_text(q.from_unix_ms)},
                      {"to", utc_text(q.to_unix_ms)},
                      {"group_by", ledger::grouping_name(q.group_by)},
                      {"data", std::move(data)},
                      {"total", figures(total)}};
    if (q.tenant) body.emplace("tenant", *q.tenant);
    if (truncated) body.emplace("truncated", true);
    return json::serialize(body);
}

using query_params = std::vector<std::pair<std::string, std::string>>;

domain::result<query_params> params_of(http_request const& req) {
    auto url = boost::urls::parse_origin_form(std::string_view(req.target()));
    if (!url) return domain::make_error(errc::invalid_request, "The URL's query cannot be read");
    query_params params;
    for (auto const& p : url->params()) params.emplace_back(p.key, p.value);
    return params;
}

domain::result<ledger::usage_query> query_of(http_request const& req) {
    auto params = params_of(req);
    if (!params) return params.error();
    return ledger::read_usage_query(*params, unix_now_ms());
}

// `limit` (1 to 200, default 20) taken out of the parameters; the rest is a usage query.
domain::result<std::size_t> take_limit(query_params& params) {
    std::size_t limit = 20;
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (it->first != "limit") continue;
        auto const& v = it->second;
        std::size_t n = 0;
        auto const [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || end != v.data() + v.size() || n < 1 || n > ledger::max_recent_errors)
            return domain::make_error(errc::invalid_request, "'limit' is a number from 1 to 200", "limit");
        limit = n;
        params.erase(it);
        break;
    }
    return limit;
}

json::array errors_json(std::vector<ledger::failed_call> const& calls) {
    json::array out;
    for (auto const& c : calls)
        out.push_back(json::object{{"at", utc_text(c.at_unix_ms)}, {"request_id", c.request_id}, {"tenant", c.tenant},
                                   {"route", c.route}, {"model", c.model_group}, {"provider", c.provider},
                                   {"status", c.status}, {"code", c.error_code}});
    return out;
}
} // namespace

std::optional<domain::gateway_error> api_router::usage_access(ledger::usage_query& q, request_scope const& scope) const {
    if (!services_.usage) return domain::make_error(errc::not_found, "The usage ledger is off (ledger.store: off)");
    // A tenant's key reads its own tenant, whatever it asks.
    if (scope.grant && !scope.grant->holds(domain::access_scope::admin)) {
        if (q.tenant && *q.tenant != scope.caller.tenant)
            return domain::make_error(errc::forbidden, "A tenant's key reads its own tenant's usage only", "tenant");
        q.tenant = scope.caller.tenant;
    }
    return std::nullopt;
}

namespace {
domain::gateway_error ledger_unreadable() {
    auto e = domain::make_error(errc::store_unavailable, "The usage ledger cannot be read right now; try again shortly");
    e.retry_after = std::chrono::seconds(1);
    return e;
}
} // namespace

net::awaitable<http_response> api_router::usage_route(route_call& c) {
    auto q = query_of(c.req);
    if (!q) co_return answer_error(q.error(), c.req, c.request_id);
    if (auto refused = usage_access(*q, c.scope)) co_return answer_error(*refused, c.req, c.request_id);
    std::optional<std::vector<ledger::usage_sums>> groups;
    try {
        groups = co_await services_.usage->sum(*q);
    } catch (std::exception const&) {
        // Answered below: the ledger could not be read (its cause is in the writer's log).
    }
    if (!groups) co_return answer_error(ledger_unreadable(), c.req, c.request_id);
    co_return json_response(http::status::ok, usage_body(*q, std::move(*groups)), c.req, c.request_id);
}

net::awaitable<http_response> api_router::usage_errors_route(route_call& c) {
    auto params = params_of(c.req);
    if (!params) co_return answer_error(params.error(), c.req, c.request_id);
    auto limit = take_limit(*params);
    if (!limit) co_return answer_error(limit.error(), c.req, c.request_id);
    auto q = ledger::read_usage_query(*params, unix_now_ms());
    if (!q) co_return answer_error(q.error(), c.req, c.request_id);
    if (auto refused = usage_access(*q, c.scope)) co_return answer_error(*refused, c.req, c.request_id);
    std::optional<std::vector<ledger::failed_call>> calls;
    try {
        calls = co_await services_.usage->recent_errors(*q, *limit);
    } catch (std::exception const&) {
    }
    if (!calls) co_return answer_error(ledger_unreadable(), c.req, c.request_id);
    json::object body{{"object", "list"}, {"data", errors_json(*calls)}};
    co_return json_response(http::status::ok, json::serialize(body), c.req, c.request_id);
}

} // namespace switchboard::adapters
