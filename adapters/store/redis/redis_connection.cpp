// Pipelined, self-healing Redis connection on Asio.
#include "adapters/store/redis/redis_connection.hpp"

#include "adapters/hex.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/spawned.hpp"
#include "adapters/store/store_error.hpp"
#include "domain/store_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/sha.h>

#include <deque>
#include <random>

namespace switchboard::adapters {

void redis_stats::observe_round_trip(long us) {
    last_round_trip_us.store(us, std::memory_order_relaxed);
    std::size_t i = 0;
    while (i < round_trip_bounds_us.size() && us > round_trip_bounds_us[i]) ++i;
    round_trip_buckets[i].fetch_add(1, std::memory_order_relaxed);
    round_trip_sum_us.fetch_add(static_cast<std::uint64_t>(std::max(0L, us)), std::memory_order_relaxed);
    round_trips.fetch_add(1, std::memory_order_relaxed);
}
namespace {
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

std::string sha1_hex(std::string const& text) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<unsigned char const*>(text.data()), text.size(), digest);
    return hex_encode(digest, sizeof digest);
}

} // namespace

std::vector<std::string> script_command(script_call const& call, bool by_sha) {
    std::vector<std::string> cmd{by_sha ? "EVALSHA" : "EVAL", by_sha ? call.script->sha : call.script->body,
                                 std::to_string(call.keys.size())};
    cmd.insert(cmd.end(), call.keys.begin(), call.keys.end());
    cmd.insert(cmd.end(), call.args.begin(), call.args.end());
    return cmd;
}

redis_script::redis_script(std::string n, std::string b) : name(std::move(n)), body(std::move(b)), sha(sha1_hex(body)) {}

// The Asio runner of domain::link_machine: it does the I/O and the bookkeeping of calls in
// flight; when to connect, back off, fail fast or give up on a stalled server is the machine's.
struct redis_connection::state : std::enable_shared_from_this<state> {
    struct pending {
        explicit pending(net::any_io_executor const& ex) : done(ex) {}
        net::steady_timer done; // cancelled when the reply arrives or the connection drops
        std::optional<redis_value> reply;
        bool failed = false;
        clock::time_point sent;
    };

    net::any_io_executor executor;
    redis_options options;
    net::ssl::context* tls_context;
    redis_stats& stats;
    std::vector<redis_script const*> scripts;

    domain::link_machine link;
    std::unique_ptr<net::ssl::stream<tcp::socket>> stream;
    std::deque<std::shared_ptr<pending>> waiting;
    std::string out;
    bool writing = false;
    unsigned generation = 0;
    net::steady_timer wake; // the connection loop sleeps on it while connected
    std::string last_error;

    state(net::any_io_executor ex, redis_options o, net::ssl::context* tls, redis_stats& s,
          std::vector<redis_script const*> sc)
        : executor(ex), options(std::move(o)), tls_context(tls), stats(s), scripts(std::move(sc)),
          link(domain::link_config{options.connect_timeout, options.stall_timeout, std::chrono::milliseconds(50),
                                   options.max_backoff}),
          wake(ex) {}

    tcp::socket& socket() { return stream->next_layer(); }

    void drop(std::string const& reason) {
        if (link.lose()) {
            stats.connections_up.fetch_sub(1);
            stats.outages.fetch_add(1);
            log_event(log_level::warning, "store_disconnected",
                      {{"store", options.endpoint.describe()}, {"reason", reason}});
        }
        last_error = reason;
        ++generation;
        if (stream) {
            boost::system::error_code ignored;
            socket().close(ignored);
        }
        for (auto& p : waiting) {
            p->failed = true;
            p->done.cancel();
        }
        waiting.clear();
        out.clear();
        writing = false;
        wake.cancel();
    }

    // Replies arrive in order: an old unanswered call means the server or the path is stuck;
    // a fresh connection is the way out.
    void drop_if_stalled() {
        if (!waiting.empty() && link.stalled(waiting.front()->sent, clock::now()))
            drop("no reply for " + std::to_string(options.stall_timeout.count()) + " ms");
    }

    void send(std::string bytes) {
        out += bytes;
        if (!writing) {
            writing = true;
            net::co_spawn(executor, writer(shared_from_this(), generation), logged("redis_writer"));
        }
    }

    static net::awaitable<void> writer(std::shared_ptr<state> self, unsigned gen) {
        while (gen == self->generation && !self->out.empty()) {
            std::string buffer;
            buffer.swap(self->out);
            auto [ec, n] = self->options.endpoint.tls
                               ? co_await net::async_write(*self->stream, net::buffer(buffer), use_tuple)
                               : co_await net::async_write(self->socket(), net::buffer(buffer), use_tuple);
            if (ec) {
                if (gen == self->generation) self->drop("write failed: " + ec.message());
                co_return;
            }
        }
        if (gen == self->generation) self->writing = false;
    }

    static net::awaitable<void> reader(std::shared_ptr<state> self, unsigned gen) {
        resp_parser parser;
        std::string buffer(16 * 1024, '\0');
        while (gen == self->generation) {
            auto [ec, n] = self->options.endpoint.tls
                               ? co_await self->stream->async_read_some(net::buffer(buffer), use_tuple)
                               : co_await self->socket().async_read_some(net::buffer(buffer), use_tuple);
            if (gen != self->generation) co_return;
            if (ec) {
                self->drop(ec == net::error::eof ? "closed by the server" : "read failed: " + ec.message());
                co_return;
            }
            try {
                parser.feed(std::string_view(buffer.data(), n));
                while (auto reply = parser.next()) {
                    if (self->waiting.empty()) {
                        self->drop("unexpected reply");
                        co_return;
                    }
                    auto p = std::move(self->waiting.front());
                    self->waiting.pop_front();
                    self->link.on_reply();
                    p->reply = std::move(*reply);
                    p->done.cancel();
                }
            } catch (std::exception const&) {
                self->drop("protocol error");
                co_return;
            }
        }
    }

    // Sends `commands` and waits for their replies until `deadline`. `internal` lets the
    // handshake use a connection that is not ready yet.
    net::awaitable<std::vector<redis_value>> exchange(std::vector<std::vector<std::string>> const& commands,
                                                      clock::time_point deadline, bool internal) {
        auto self = shared_from_this();
        drop_if_stalled();
        auto const verdict = link.admit_call(internal);
        if (verdict != domain::call_verdict::go) {
            stats.failures.fetch_add(1);
            throw store_unavailable(verdict == domain::call_verdict::not_answering
                                        ? "redis is not answering"
                                        : "redis is not connected" + (last_error.empty() ? "" : ": " + last_error));
        }
        std::vector<std::shared_ptr<pending>> calls;
        std::string bytes;
        auto const now = clock::now();
        for (auto const& c : commands) {
            auto p = std::make_shared<pending>(executor);
            p->done.expires_at(deadline);
            p->sent = now;
            waiting.push_back(p);
            calls.push_back(p);
            bytes += format_command(c);
        }
        send(std::move(bytes));
        std::vector<redis_value> replies;
        for (auto& p : calls) {
            if (!p->reply && !p->failed) co_await p->done.async_wait(use_tuple);
            if (p->reply) {
                replies.push_back(std::move(*p->reply));
                if (replies.size() == calls.size())
                    stats.observe_round_trip(
                        std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - now).count());
                continue;
            }
            stats.failures.fetch_add(1);
            if (p->failed) throw store_unavailable("redis connection lost: " + last_error);
            stats.timeouts.fetch_add(1);
            link.on_call_timeout();
            drop_if_stalled();
            throw store_unavailable("redis did not answer in time");
        }
        co_return replies;
    }

    net::awaitable<void> open(clock::time_point deadline) {
        auto self = shared_from_this();
        auto const& ep = options.endpoint;
        stream = std::make_unique<net::ssl::stream<tcp::socket>>(executor, *tls_context);
        // Closing the socket is what bounds connect and TLS handshake by the deadline.
        net::steady_timer guard(executor, deadline);
        guard.async_wait([self, gen = generation](boost::system::error_code ec) {
            if (!ec && gen == self->generation && self->stream) {
                boost::system::error_code ignored;
                self->socket().close(ignored);
            }
        });
        tcp::resolver resolver(executor);
        auto [rec, results] = co_await resolver.async_resolve(ep.host, std::to_string(ep.port), use_tuple);
        if (rec) throw store_unavailable("cannot resolve " + ep.host + ": " + rec.message());
        auto [cec, endpoint] = co_await net::async_connect(socket(), results, use_tuple);
        if (cec) throw store_unavailable("cannot connect: " + cec.message());
        socket().set_option(tcp::no_delay(true));
        if (ep.tls) {
            SSL_set_tlsext_host_name(stream->native_handle(), ep.host.c_str());
            stream->set_verify_mode(net::ssl::verify_peer);
            stream->set_verify_callback(net::ssl::host_name_verification(ep.host));
            auto [hec] = co_await stream->async_handshake(net::ssl::stream_base::client, use_tuple);
            if (hec) throw store_unavailable("TLS handshake failed: " + hec.message());
        }
        guard.cancel();
        link.on_transport_open();
        net::co_spawn(executor, reader(self, generation), logged("redis_reader"));

        std::vector<std::vector<std::string>> hello;
        if (!ep.password.empty()) {
            if (ep.user.empty())
                hello.push_back({"AUTH", ep.password});
            else
                hello.push_back({"AUTH", ep.user, ep.password});
        }
        if (ep.db != 0) hello.push_back({"SELECT", std::to_string(ep.db)});
        for (auto const* s : scripts) hello.push_back({"SCRIPT", "LOAD", s->body});
        hello.push_back({"PING"});
        auto replies = co_await exchange(hello, deadline, true);
        for (auto const& r : replies)
            if (r.is_error()) {
                // AUTH errors say WRONGPASS/NOAUTH and never echo the password.
                throw store_unavailable("handshake refused: " + r.text.substr(0, 120));
            }
    }

    // One connection attempt: ready, or the backoff that follows its failure.
    net::awaitable<domain::link_action> connect_once(clock::time_point deadline) {
        thread_local std::mt19937 rng{std::random_device{}()};
        std::string failure;
        try {
            co_await open(deadline);
        } catch (std::exception const& e) {
            failure = e.what();
        }
        if (failure.empty() && link.state() == domain::link_state::handshake) {
            last_error.clear();
            stats.connections_up.fetch_add(1);
            stats.connects.fetch_add(1);
            co_return link.on_handshake_done();
        }
        if (failure.empty()) failure = "stopped";
        drop(failure); // closes what the attempt opened and fails its calls
        co_return link.on_connect_failed(clock::now(), std::uniform_real_distribution<double>(0.0, 1.0)(rng));
    }

    static net::awaitable<void> run(std::shared_ptr<state> self) {
        using kind = domain::link_action::kind;
        auto a = self->link.start(clock::now());
        while (a.what != kind::stop) {
            if (a.what == kind::connect) {
                a = co_await self->connect_once(a.deadline);
            } else if (a.what == kind::sleep) {
                net::steady_timer pause(self->executor, a.until);
                co_await pause.async_wait(use_tuple);
                a = self->link.on_woke(clock::now());
            } else { // serve: until drop() wakes it
                self->wake.expires_at(clock::time_point::max());
                co_await self->wake.async_wait(use_tuple);
                a = self->link.on_lost_wait_over(clock::now());
            }
            if (a.report_connected)
                log_event(log_level::info, "store_connected", {{"store", self->options.endpoint.describe()}});
            if (a.report_unreachable)
                log_event(log_level::warning, "store_unreachable",
                          {{"store", self->options.endpoint.describe()}, {"reason", self->last_error}});
        }
    }
};

redis_connection::redis_connection(net::any_io_executor executor, redis_options options, net::ssl::context* tls,
                                   redis_stats& stats, std::vector<redis_script const*> scripts)
    : state_(std::make_shared<state>(executor, std::move(options), tls, stats, std::move(scripts))) {}

redis_connection::~redis_connection() {
    stop();
}

void redis_connection::start() {
    net::co_spawn(state_->executor, state::run(state_), logged("redis_link"));
}

void redis_connection::stop() {
    if (state_->link.state() == domain::link_state::stopped) return;
    state_->drop("stopped");
    state_->link.stop();
}

bool redis_connection::ready() const {
    return state_->link.state() == domain::link_state::ready;
}

net::awaitable<std::vector<redis_value>> redis_connection::pipeline(std::vector<std::vector<std::string>> commands) {
    auto self = state_;
    co_return co_await self->exchange(commands, clock::now() + self->options.call_timeout, false);
}

net::awaitable<std::vector<redis_value>> redis_connection::eval_replies(std::vector<script_call> calls) {
    auto self = state_;
    auto const deadline = clock::now() + self->options.call_timeout;
    std::vector<std::vector<std::string>> commands;
    for (auto const& c : calls) commands.push_back(script_command(c, true));
    auto replies = co_await self->exchange(commands, deadline, false);
    // NOSCRIPT: the server lost its script cache; EVAL sends the body (and caches it again).
    std::vector<std::vector<std::string>> retry;
    std::vector<std::size_t> retry_at;
    for (std::size_t i = 0; i < replies.size(); ++i)
        if (replies[i].is_error() && replies[i].text.rfind("NOSCRIPT", 0) == 0) {
            retry.push_back(script_command(calls[i], false));
            retry_at.push_back(i);
        }
    if (!retry.empty()) {
        auto again = co_await self->exchange(retry, deadline, false);
        for (std::size_t j = 0; j < again.size(); ++j) replies[retry_at[j]] = std::move(again[j]);
    }
    co_return replies;
}

net::awaitable<std::vector<redis_value>> redis_connection::eval(std::vector<script_call> calls) {
    auto replies = co_await eval_replies(calls); // a copy: `calls` names the scripts of the errors
    throw_script_errors(calls, replies, state_->stats);
    co_return replies;
}

void throw_script_errors(std::vector<script_call> const& calls, std::vector<redis_value> const& replies,
                         redis_stats& stats) {
    for (std::size_t i = 0; i < replies.size(); ++i)
        if (replies[i].is_error()) {
            stats.failures.fetch_add(1);
            throw store_unavailable("redis script " + calls[i].script->name + " failed: " +
                                    replies[i].text.substr(0, 160));
        }
}

} // namespace switchboard::adapters
