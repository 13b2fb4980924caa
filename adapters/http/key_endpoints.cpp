// The admin API of API keys and tenants (admin key, or a key with the `admin` scope):
//
//   GET    /api/v1/keys[?tenant=&limit=&after=]  the keys, by id, a page at a time
//   POST   /api/v1/keys                          a new key: its text is in this answer only
//   GET    /api/v1/keys/{id}
//   PATCH  /api/v1/keys/{id}                     name, user, scopes, models, acts_for, expires, metadata
//   DELETE /api/v1/keys/{id}                     revokes it (the record stays, status "revoked")
//   POST   /api/v1/keys/{id}/rotate              a new secret; the old one works `grace_seconds` more
//   GET    /api/v1/tenants[?limit=&after=]       the known tenants with their key counts
//   GET    /api/v1/tenants/{tenant}              one tenant: its keys count and quota usage
//
// Lists follow the OpenAI convention: {"object":"list","data":[...],"has_more":bool,"last_id"};
// the next page is `?after=<last_id>`. No answer ever carries a key's hash; a key's secret only
// the answer that made it.
#include "adapters/http/api_route.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/openai_wire.hpp"
#include "adapters/observability/log.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

namespace {
constexpr std::int64_t max_grace_seconds = 30 * 86400;

// A page request: ?limit= (1..100, default 20) and ?after= (the last id of the previous page).
struct page_request {
    std::size_t limit = 20;
    std::string after;
    std::string tenant; // keys only: a tenant's alone
};

domain::result<page_request> page_of(http_request const& req) {
    page_request page;
    auto url = boost::urls::parse_origin_form(std::string_view(req.target()));
    if (!url) return domain::make_error(errc::invalid_request, "The URL's query cannot be read");
    for (auto const& p : url->params()) {
        if (p.key == "limit") {
            std::size_t n = 0;
            auto const [end, ec] = std::from_chars(p.value.data(), p.value.data() + p.value.size(), n);
            if (ec != std::errc() || end != p.value.data() + p.value.size() || n < 1 || n > 100)
                return *domain::invalid("limit", "must be a whole number from 1 to 100");
            page.limit = n;
        } else if (p.key == "after") {
            page.after = p.value;
        } else if (p.key == "tenant") {
            page.tenant = p.value;
        }
    }
    return page;
}

json::object list_of(json::array data, bool has_more, std::string const& last_id) {
    json::object out;
    out["object"] = "list";
    out["data"] = std::move(data);
    out["has_more"] = has_more;
    out["last_id"] = last_id.empty() ? json::value(nullptr) : json::value(last_id);
    return out;
}


std::string created_body(new_key const& made, std::int64_t now) {
    auto view = domain::public_view(made.record, now);
    view["key"] = made.text; // the only time it is shown
    return json::serialize(view);
}
} // namespace

net::awaitable<http_response> api_router::keys_route(route_call& c) {
    auto page = page_of(c.req);
    if (!page) co_return answer_error(page.error(), c.req, c.request_id);
    auto const ring = known_keys();
    auto const now = unix_now();
    json::array data;
    bool more = false;
    std::string last;
    for (auto const* k : ring->records()) { // by id
        if (k->id <= page->after || (!page->tenant.empty() && k->grant.tenant != page->tenant)) continue;
        if (data.size() == page->limit) {
            more = true;
            break;
        }
        data.push_back(domain::public_view(*k, now));
        last = k->id;
    }
    co_return json_response(http::status::ok, json::serialize(list_of(std::move(data), more, last)), c.req,
                            c.request_id);
}

net::awaitable<http_response> api_router::key_route(route_call& c) {
    auto const ring = known_keys();
    auto const* k = ring->find(c.param);
    if (!k)
        co_return answer_error(domain::make_error(errc::not_found, "No API key has the id '" +
                                                                       domain::truncate_for_message(c.param) + "'"),
                               c.req, c.request_id);
    auto view = domain::public_view(*k, unix_now());
    // A key with a budget: what it has used of it in the current UTC day and month.
    if (services_.quotas && k->grant.limits.budget.any()) {
        auto usage = co_await services_.quotas->report_key(k->id, k->grant.limits.budget);
        usage.erase("name");
        view["budget_usage"] = std::move(usage);
    }
    co_return json_response(http::status::ok, json::serialize(view), c.req, c.request_id);
}

// The keys as they are now (none with auth off).
std::shared_ptr<key_ring const> api_router::known_keys() const {
    return services_.keys ? services_.keys->current() : std::make_shared<key_ring const>();
}

// The key operations need the directory and the store: with auth off and no secret, there is
// nothing to hash a key's secret with.
std::optional<domain::gateway_error> api_router::keys_unavailable() const {
    if (services_.keys && services_.stored_keys && services_.keys->can_make_keys()) return std::nullopt;
    return domain::make_error(errc::conflict, "API keys need auth.secret (or SWITCHBOARD_AUTH_SECRET) to be set");
}

net::awaitable<http_response> api_router::key_create_route(route_call& c) {
    if (auto off = keys_unavailable()) co_return answer_error(*off, c.req, c.request_id);
    auto body = admin_body(c.req);
    if (!body) co_return answer_error(body.error(), c.req, c.request_id);
    auto spec = domain::parse_key_changes(*body, true);
    if (!spec) co_return answer_error(spec.error(), c.req, c.request_id);
    auto const now = unix_now();
    auto made = co_await key_operation([&]() { return services_.keys->create(*services_.stored_keys, *spec, now); });
    if (!made) co_return answer_error(made.error(), c.req, c.request_id);
    log_event(log_level::info, "key_created", {{"key_id", made->record.id}, {"tenant", made->record.grant.tenant}});
    co_return json_response(http::status::created, created_body(*made, now), c.req, c.request_id);
}

net::awaitable<http_response> api_router::key_update_route(route_call& c) {
    if (auto off = keys_unavailable()) co_return answer_error(*off, c.req, c.request_id);
    auto body = admin_body(c.req);
    if (!body) co_return answer_error(body.error(), c.req, c.request_id);
    auto changes = domain::parse_key_changes(*body, false);
    if (!changes) co_return answer_error(changes.error(), c.req, c.request_id);
    auto const now = unix_now();
    auto updated = co_await key_operation(
        [&]() { return services_.keys->update(*services_.stored_keys, c.param, *changes, now); });
    if (!updated) co_return answer_error(updated.error(), c.req, c.request_id);
    log_event(log_level::info, "key_updated", {{"key_id", updated->id}});
    co_return json_response(http::status::ok, json::serialize(domain::public_view(*updated, now)), c.req,
                            c.request_id);
}

net::awaitable<http_response> api_router::key_revoke_route(route_call& c) {
    if (auto off = keys_unavailable()) co_return answer_error(*off, c.req, c.request_id);
    auto const now = unix_now();
    auto revoked = co_await key_operation([&]() { return services_.keys->revoke(*services_.stored_keys, c.param, now); });
    if (!revoked) co_return answer_error(revoked.error(), c.req, c.request_id);
    log_event(log_level::info, "key_revoked", {{"key_id", revoked->id}});
    co_return json_response(http::status::ok, json::serialize(domain::public_view(*revoked, now)), c.req,
                            c.request_id);
}

net::awaitable<http_response> api_router::key_rotate_route(route_call& c) {
    if (auto off = keys_unavailable()) co_return answer_error(*off, c.req, c.request_id);
    auto body = admin_body(c.req);
    if (!body) co_return answer_error(body.error(), c.req, c.request_id);
    std::optional<std::int64_t> grace;
    if (!body->is_object())
        co_return answer_error(domain::make_error(errc::invalid_request, "The body must be a JSON object"), c.req,
                               c.request_id);
    if (auto bad = domain::optional_integer(body->as_object(), "grace_seconds", 0, max_grace_seconds, grace))
        co_return answer_error(*bad, c.req, c.request_id);
    auto const now = unix_now();
    auto const period = std::chrono::seconds(grace.value_or(3600));
    auto made = co_await key_operation(
        [&]() { return services_.keys->rotate(*services_.stored_keys, c.param, period, now); });
    if (!made) co_return answer_error(made.error(), c.req, c.request_id);
    log_event(log_level::info, "key_rotated", {{"key_id", made->record.id}, {"grace_seconds", period.count()}});
    co_return json_response(http::status::ok, created_body(*made, now), c.req, c.request_id);
}

// One admin operation on the store: its failure is a 503 (the operation did not happen).
template <class Operation>
auto api_router::key_operation(Operation run) -> decltype(run()) {
    try {
        co_return co_await run();
    } catch (store_unavailable const&) {
        co_return domain::make_error(errc::store_unavailable,
                                     "The key store cannot be reached; the change may not have been made. "
                                     "Read the key back before trying again.");
    }
}

net::awaitable<http_response> api_router::tenants_route(route_call& c) {
    auto page = page_of(c.req);
    if (!page) co_return answer_error(page.error(), c.req, c.request_id);
    auto const ring = known_keys();
    std::map<std::string, int, std::less<>> keys_per_tenant;
    for (auto const& t : ring->tenants()) keys_per_tenant[t];
    for (auto const* k : ring->records())
        if (!k->revoked()) ++keys_per_tenant[k->grant.tenant];
    json::array data;
    bool more = false;
    std::string last;
    for (auto const& [tenant, keys] : keys_per_tenant) {
        if (tenant <= page->after) continue;
        if (data.size() == page->limit) {
            more = true;
            break;
        }
        data.push_back(json::object{{"object", "tenant"}, {"id", tenant}, {"active_keys", keys}});
        last = tenant;
    }
    co_return json_response(http::status::ok, json::serialize(list_of(std::move(data), more, last)), c.req,
                            c.request_id);
}

net::awaitable<http_response> api_router::tenant_route(route_call& c) {
    auto const ring = known_keys();
    if (!ring->tenants().contains(c.param))
        co_return answer_error(domain::make_error(errc::not_found, "No tenant is named '" +
                                                                       domain::truncate_for_message(c.param) + "'"),
                               c.req, c.request_id);
    int keys = 0;
    for (auto const* k : ring->records())
        if (!k->revoked() && k->grant.tenant == c.param) ++keys;
    json::object out{{"object", "tenant"}, {"id", c.param}, {"active_keys", keys}};
    if (services_.quotas) {
        auto report = co_await services_.quotas->report_for(c.param);
        out["quotas"] = std::move(report["tenants"]);
    }
    co_return json_response(http::status::ok, json::serialize(out), c.req, c.request_id);
}

} // namespace switchboard::adapters
