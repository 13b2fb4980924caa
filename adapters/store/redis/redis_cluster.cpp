// Routing by slot over one connection per node; the slot map kept by a background loop.
#include "adapters/store/redis/redis_cluster.hpp"

#include "adapters/all_at_once.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/spawned.hpp"
#include "adapters/store/redis/key_slot.hpp"
#include "adapters/store/redis/slot_map.hpp"
#include "adapters/store/store_error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace switchboard::adapters {
namespace {
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// The key a command is routed by (redis_link.hpp's contract); empty: any node.
std::string_view key_of(std::vector<std::string> const& command) {
    return command.size() > 1 ? std::string_view(command[1]) : std::string_view();
}
std::string_view key_of(script_call const& call) {
    return call.keys.empty() ? std::string_view() : std::string_view(call.keys.front());
}
// The same command as it is sent after ASKING (a script by its body: the importing node may be
// a connection that has not loaded it).
std::vector<std::string> asked_command(std::vector<std::string> const& command) { return command; }
std::vector<std::string> asked_command(script_call const& call) { return script_command(call, false); }
} // namespace

struct redis_cluster::state : std::enable_shared_from_this<state> {
    net::any_io_executor executor;
    redis_options seed;
    net::ssl::context* tls;
    redis_stats& stats;
    std::vector<redis_script const*> scripts;
    std::chrono::milliseconds map_refresh;

    std::vector<cluster_node> names;                       // of each node, as the map names it
    std::vector<std::unique_ptr<redis_connection>> nodes;  // [0]: the seed
    std::vector<std::uint16_t> slot_node = std::vector<std::uint16_t>(cluster_slots, 0);
    std::vector<std::size_t> primary_nodes;
    bool mapped = false;
    bool counted_ready = false;
    bool refresh_wanted = false;
    bool stopped = false;
    std::string map_error; // the last failure to read a map, logged once until it changes
    net::steady_timer wake;

    state(net::any_io_executor ex, redis_options s, net::ssl::context* t, redis_stats& st,
          std::vector<redis_script const*> sc, std::chrono::milliseconds refresh)
        : executor(ex), seed(std::move(s)), tls(t), stats(st), scripts(std::move(sc)), map_refresh(refresh), wake(ex) {
        add({seed.endpoint.host, seed.endpoint.port});
    }

    std::size_t add(cluster_node const& n) {
        auto options = seed;
        options.endpoint.host = n.host;
        options.endpoint.port = n.port;
        options.endpoint.db = 0;
        names.push_back(n);
        nodes.push_back(std::make_unique<redis_connection>(executor, options, tls, stats, scripts));
        if (!stopped && nodes.size() > 1) nodes.back()->start();
        return nodes.size() - 1;
    }
    std::size_t node(cluster_node const& n) {
        auto const at = std::find(names.begin(), names.end(), n);
        return at != names.end() ? static_cast<std::size_t>(at - names.begin()) : add(n);
    }
    std::size_t node_for(std::string_view key) const {
        if (!key.empty()) return slot_node[key_slot(key)];
        return primary_nodes.empty() ? 0 : primary_nodes.front();
    }
    bool primaries_ready() const {
        return mapped && std::all_of(primary_nodes.begin(), primary_nodes.end(),
                                     [&](std::size_t i) { return nodes[i]->ready(); });
    }

    void apply(std::vector<slot_range> const& ranges) {
        std::vector<std::size_t> primaries;
        for (auto const& r : ranges) {
            auto const n = node(r.primary);
            std::fill(slot_node.begin() + r.first, slot_node.begin() + r.last + 1, static_cast<std::uint16_t>(n));
            if (std::find(primaries.begin(), primaries.end(), n) == primaries.end()) primaries.push_back(n);
        }
        primary_nodes = std::move(primaries);
        mapped = true;
        stats.slot_maps.fetch_add(1, std::memory_order_relaxed);
    }

    void note_map_error(std::string reason) {
        if (reason == map_error) return;
        map_error = std::move(reason);
        log_event(log_level::warning, "store_cluster_map_failed",
                  {{"store", seed.endpoint.describe()}, {"reason", map_error}});
    }

    // From the first connected node that answers with a usable map.
    net::awaitable<bool> load_map() {
        auto self = shared_from_this();
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (!nodes[i]->ready()) continue;
            std::vector<std::vector<std::string>> ask{{"CLUSTER", "SLOTS"}};
            try {
                auto replies = co_await nodes[i]->pipeline(std::move(ask));
                if (replies.at(0).is_error()) throw std::invalid_argument(replies.at(0).text.substr(0, 120));
                auto ranges = parse_cluster_slots(replies.at(0), names[i].host);
                if (ranges.empty()) throw std::invalid_argument("the cluster serves no slot yet");
                apply(ranges);
                map_error.clear();
                co_return true;
            } catch (std::exception const& e) {
                note_map_error(e.what());
            }
        }
        co_return false;
    }

    static net::awaitable<void> run(std::shared_ptr<state> self) {
        auto next_map = clock::now();
        while (!self->stopped) {
            if (!self->mapped || self->refresh_wanted || clock::now() >= next_map) {
                self->refresh_wanted = false;
                if (co_await self->load_map()) next_map = clock::now() + self->map_refresh;
                if (self->stopped) break;
            }
            if (!self->counted_ready && self->primaries_ready()) {
                self->counted_ready = true;
                self->stats.cluster_links_ready.fetch_add(1);
            }
            bool const settled = self->mapped && self->counted_ready && !self->refresh_wanted;
            self->wake.expires_at(settled ? next_map : clock::now() + std::chrono::milliseconds(20));
            co_await self->wake.async_wait(use_tuple);
        }
    }

    void want_map() {
        refresh_wanted = true;
        wake.cancel();
    }

    static net::awaitable<std::vector<redis_value>> send(std::shared_ptr<state> self, std::size_t n,
                                                         std::vector<std::vector<std::string>> commands) {
        co_return co_await self->nodes[n]->pipeline(std::move(commands));
    }
    static net::awaitable<std::vector<redis_value>> send(std::shared_ptr<state> self, std::size_t n,
                                                         std::vector<script_call> calls) {
        co_return co_await self->nodes[n]->eval_replies(std::move(calls));
    }

    // One node's share of a call, its replies put where its items were.
    template <class Item>
    static net::awaitable<void> send_share(std::shared_ptr<state> self, std::size_t n, std::vector<Item> share,
                                           std::vector<std::size_t> positions, std::vector<redis_value>& replies) {
        auto got = co_await send(self, n, std::move(share));
        for (std::size_t j = 0; j < positions.size() && j < got.size(); ++j) replies[positions[j]] = std::move(got[j]);
    }

    // Each item to the node of its key; every node's share in one write, all nodes at once.
    template <class Item> net::awaitable<std::vector<redis_value>> fan_out(std::vector<Item> const& items,
                                                                         std::vector<std::size_t>& sent_to) {
        auto self = shared_from_this();
        sent_to.clear();
        std::vector<std::size_t> group_nodes;
        for (auto const& item : items) {
            sent_to.push_back(node_for(key_of(item)));
            if (std::find(group_nodes.begin(), group_nodes.end(), sent_to.back()) == group_nodes.end())
                group_nodes.push_back(sent_to.back());
        }
        if (group_nodes.size() == 1) {
            auto all = items;
            co_return co_await send(self, group_nodes.front(), std::move(all));
        }
        std::vector<redis_value> replies(items.size());
        std::vector<net::awaitable<void>> shares;
        for (auto const n : group_nodes) {
            std::vector<Item> share;
            std::vector<std::size_t> positions;
            for (std::size_t i = 0; i < items.size(); ++i)
                if (sent_to[i] == n) {
                    share.push_back(items[i]);
                    positions.push_back(i);
                }
            shares.push_back(send_share(self, n, std::move(share), std::move(positions), replies));
        }
        co_await all_at_once(std::move(shares));
        co_return replies;
    }

    // A reply that redirects is followed once: MOVED to the slot's new node (and the map is
    // read again), ASK to the importing node after ASKING.
    template <class Item> net::awaitable<void> follow(Item const& item, std::size_t answered, redis_value& reply) {
        auto self = shared_from_this();
        auto r = parse_redirection(reply.text);
        if (!r) co_return;
        stats.redirections.fetch_add(1, std::memory_order_relaxed);
        if (r->to.host.empty()) r->to.host = names[answered].host;
        auto const n = node(r->to);
        if (!r->ask) {
            slot_node[r->slot] = static_cast<std::uint16_t>(n);
            want_map();
            std::vector<Item> again{item};
            auto replies = co_await send(self, n, std::move(again));
            reply = std::move(replies.at(0));
            co_return;
        }
        std::vector<std::vector<std::string>> asked{{"ASKING"}, asked_command(item)};
        auto replies = co_await send(self, n, std::move(asked));
        reply = std::move(replies.at(1));
    }

    template <class Item> net::awaitable<std::vector<redis_value>> routed(std::vector<Item> const& items) {
        auto self = shared_from_this();
        std::vector<std::size_t> sent_to;
        auto replies = co_await fan_out(items, sent_to);
        for (std::size_t i = 0; i < replies.size(); ++i)
            if (replies[i].is_error()) co_await follow(items[i], sent_to[i], replies[i]);
        co_return replies;
    }
};

redis_cluster::redis_cluster(net::any_io_executor executor, redis_options seed, net::ssl::context* tls,
                             redis_stats& stats, std::vector<redis_script const*> scripts,
                             std::chrono::milliseconds map_refresh)
    : state_(std::make_shared<state>(executor, std::move(seed), tls, stats, std::move(scripts), map_refresh)) {}

redis_cluster::~redis_cluster() {
    stop();
}

void redis_cluster::start() {
    state_->nodes.front()->start();
    net::co_spawn(state_->executor, state::run(state_), logged("redis_cluster_map"));
}

void redis_cluster::stop() {
    if (state_->stopped) return;
    state_->stopped = true;
    state_->wake.cancel();
    for (auto& n : state_->nodes) n->stop();
}

bool redis_cluster::ready() const {
    return state_->primaries_ready();
}

net::awaitable<std::vector<redis_value>> redis_cluster::pipeline(std::vector<std::vector<std::string>> commands) {
    auto self = state_;
    co_return co_await self->routed(commands);
}

net::awaitable<std::vector<redis_value>> redis_cluster::eval(std::vector<script_call> calls) {
    auto self = state_;
    auto replies = co_await self->routed(calls);
    throw_script_errors(calls, replies, self->stats);
    co_return replies;
}

std::vector<std::string> redis_cluster::primaries() const {
    std::vector<std::string> out;
    for (auto const n : state_->primary_nodes) out.push_back(state_->names[n].name());
    return out;
}

} // namespace switchboard::adapters
