#pragma once
// The life of one connection to the shared store (Redis) as a pure machine: connecting with a
// deadline, the handshake, ready, suspect (a call timed out and no reply came since: calls fail
// at once instead of each waiting out its own timeout), stalled (the oldest call unanswered for
// `stall_timeout`: a frozen server, the connection is dropped and reopened), lost, and the
// reconnect backoff (capped, doubled per failure, full jitter from a draw the caller passes).
// The Asio runner (adapters/store/redis/redis_connection.cpp) does the I/O and asks it.
#include "domain/time.hpp"

namespace switchboard::domain {

enum class link_state { idle, connecting, handshake, ready, down, stopped };

struct link_config {
    duration connect_timeout = milliseconds(1000); // transport + TLS + handshake
    duration stall_timeout = milliseconds(500);
    duration first_backoff = milliseconds(50);
    duration max_backoff = milliseconds(1000);
};

struct link_action {
    enum class kind {
        connect, // open the transport, then the handshake, by `deadline`
        sleep,   // wait until `until`, then on_woke()
        serve,   // connected: wait until the link is lost, then on_lost_wait_over()
        stop     // the link is stopped: end the runner
    } what = kind::stop;
    time_point deadline{};
    time_point until{};
    bool report_unreachable = false; // the first failure of an outage: log it (once per outage)
    bool report_connected = false;
};

enum class call_verdict {
    go,            // send it
    not_connected, // fail at once: no connection (or not yet through its handshake)
    not_answering  // fail at once: the last call timed out and nothing has answered since
};

class link_machine {
  public:
    explicit link_machine(link_config c = {}) : config_(c), backoff_(c.first_backoff) {}

    link_action start(time_point now);
    link_action on_transport_open();                           // connected (and TLS): the handshake starts
    link_action on_handshake_done();                           // answered: ready
    link_action on_connect_failed(time_point now, double draw); // resolve, connect, TLS or handshake failed
    link_action on_woke(time_point now);                       // the backoff is over
    // A ready (or handshaking) link was lost: returns whether it was ready (an outage to count).
    bool lose();
    link_action on_lost_wait_over(time_point now); // the runner's serve wait ended: reconnect at once
    void stop() { state_ = link_state::stopped; }

    // `internal`: the handshake's own commands, allowed before the link is ready.
    call_verdict admit_call(bool internal = false) const;
    // Whether the oldest unanswered call, sent at `oldest_sent`, means the server is stuck.
    bool stalled(time_point oldest_sent, time_point now) const;
    void on_reply() { suspect_ = false; }
    void on_call_timeout() { suspect_ = true; }

    link_state state() const { return state_; }
    bool suspect() const { return suspect_; }
    duration backoff() const { return backoff_; }

  private:
    link_action connect(time_point now);

    link_config config_;
    link_state state_ = link_state::idle;
    bool suspect_ = false;
    bool outage_reported_ = false;
    duration backoff_;
};

} // namespace switchboard::domain
