// GET /api/v1/webhooks/deliveries (admin): the latest webhook deliveries, newest first — every
// instance's with Redis, this instance's in memory — and this instance's sender counts.
// Query: limit (1 to 1000, default 50), state (pending, delivered or failed), event_type.
#include "adapters/http/api_route.hpp"

#include "adapters/http/router_responses.hpp"
#include "adapters/webhooks/webhook_sender.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;
namespace wh = domain::webhooks;

namespace {
struct deliveries_query {
    std::size_t limit = 50;
    std::optional<std::string> state;
    std::optional<std::string> event_type;
    bool filtered() const { return state || event_type; }
    bool keeps(wh::delivery const& d) const {
        return (!state || wh::state_name(d.state) == *state) && (!event_type || d.event_type == *event_type);
    }
};

domain::result<deliveries_query> read_query(http_request const& req) {
    auto url = boost::urls::parse_origin_form(std::string_view(req.target()));
    if (!url) return domain::make_error(errc::invalid_request, "The URL's query cannot be read");
    deliveries_query q;
    for (auto const& p : url->params()) {
        if (p.key == "limit") {
            std::size_t n = 0;
            auto const [end, ec] = std::from_chars(p.value.data(), p.value.data() + p.value.size(), n);
            if (ec != std::errc{} || end != p.value.data() + p.value.size() || n < 1 || n > max_kept_deliveries)
                return domain::make_error(errc::invalid_request, "'limit' is a number from 1 to 1000", "limit");
            q.limit = n;
        } else if (p.key == "state") {
            if (p.value != "pending" && p.value != "delivered" && p.value != "failed")
                return domain::make_error(errc::invalid_request, "'state' is pending, delivered or failed", "state");
            q.state = p.value;
        } else if (p.key == "event_type") {
            if (!wh::parse_event_type(p.value))
                return domain::make_error(errc::invalid_request, "'event_type' is not an event type", "event_type");
            q.event_type = p.value;
        } else {
            return domain::make_error(errc::invalid_request, "Unknown query parameter '" + p.key + "'", p.key);
        }
    }
    return q;
}

json::object counts_json(webhook_counts const& c) {
    return {{"published", c.published}, {"dropped", c.dropped},     {"duplicates", c.duplicates},
            {"attempts", c.attempts},   {"delivered", c.delivered}, {"failed", c.failed},
            {"pending", c.pending}};
}
} // namespace

net::awaitable<http_response> api_router::webhook_deliveries_route(route_call& c) {
    if (!services_.webhooks)
        co_return answer_error(domain::make_error(errc::not_found, "Webhooks are off (no webhooks.endpoints)"), c.req,
                               c.request_id);
    auto q = read_query(c.req);
    if (!q) co_return answer_error(q.error(), c.req, c.request_id);
    std::optional<std::vector<wh::delivery>> found;
    try {
        // A filter reads every record kept, then keeps `limit` of the matching ones.
        found = co_await services_.webhooks->recent(q->filtered() ? max_kept_deliveries : q->limit);
    } catch (std::exception const&) {
    }
    if (!found) {
        auto e = domain::make_error(errc::store_unavailable, "The delivery records cannot be read right now; try again shortly");
        e.retry_after = std::chrono::seconds(1);
        co_return answer_error(e, c.req, c.request_id);
    }
    json::array data;
    for (auto const& d : *found) {
        if (!q->keeps(d)) continue;
        if (data.size() >= q->limit) break;
        data.push_back(wh::delivery_json(d));
    }
    json::object body{{"object", "list"}, {"data", std::move(data)}};
    if (services_.sender) body["instance"] = counts_json(services_.sender->counts());
    co_return json_response(http::status::ok, json::serialize(body), c.req, c.request_id);
}

} // namespace switchboard::adapters
