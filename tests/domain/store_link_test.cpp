// The store link machine on manual time: connect deadlines, the backoff and its jitter bounds,
// one report per outage, fail-fast after a timeout, stall detection, loss and stop.
#include "domain/store_link.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using std::chrono::milliseconds;
using kind = link_action::kind;

namespace {
time_point const t0 = time_point{} + std::chrono::hours(1);
time_point at(int ms) {
    return t0 + milliseconds(ms);
}
link_config config() {
    return {milliseconds(1000), milliseconds(500), milliseconds(50), milliseconds(400)};
}
} // namespace

BOOST_AUTO_TEST_SUITE(store_link)

BOOST_AUTO_TEST_CASE(a_link_connects_within_its_deadline_and_serves) {
    link_machine link(config());
    auto a = link.start(t0);
    BOOST_TEST((a.what == kind::connect));
    BOOST_TEST((a.deadline == at(1000)));
    BOOST_TEST((link.admit_call() == call_verdict::not_connected));
    link.on_transport_open();
    BOOST_TEST((link.state() == link_state::handshake));
    BOOST_TEST((link.admit_call(true) == call_verdict::go)); // the handshake's own commands
    BOOST_TEST((link.admit_call() == call_verdict::not_connected));
    a = link.on_handshake_done();
    BOOST_TEST((a.what == kind::serve));
    BOOST_TEST(a.report_connected);
    BOOST_TEST((link.admit_call() == call_verdict::go));
}

BOOST_AUTO_TEST_CASE(failures_back_off_doubling_to_the_cap_with_jitter_in_the_upper_half) {
    link_machine link(config());
    link.start(t0);
    struct step {
        double draw;
        int at_ms;
        int expected_until_ms;
    };
    // backoff 50 → 100 → 200 → 400 → 400 (cap); the wait is in [backoff/2, backoff].
    step const steps[] = {{0.0, 0, 25}, {1.0, 100, 200}, {0.5, 300, 450}, {0.0, 500, 700}, {1.0, 900, 1300}};
    bool first = true;
    for (auto const& s : steps) {
        auto a = link.on_connect_failed(at(s.at_ms), s.draw);
        BOOST_TEST((a.what == kind::sleep));
        BOOST_TEST((a.until == at(s.expected_until_ms)), "failure at " << s.at_ms);
        BOOST_TEST(a.report_unreachable == first); // one log line per outage
        first = false;
        a = link.on_woke(a.until);
        BOOST_TEST((a.what == kind::connect));
    }
    link.on_transport_open();
    link.on_handshake_done();
    BOOST_TEST((link.backoff() == milliseconds(50))); // reset once connected
    link.lose();
    link.on_lost_wait_over(at(5000));
    BOOST_TEST(link.on_connect_failed(at(5000), 0).report_unreachable); // a new outage is reported again
}

BOOST_AUTO_TEST_CASE(after_a_timeout_calls_fail_fast_until_a_reply_arrives) {
    link_machine link(config());
    link.start(t0);
    link.on_transport_open();
    link.on_handshake_done();
    link.on_call_timeout();
    BOOST_TEST((link.admit_call() == call_verdict::not_answering));
    link.on_reply();
    BOOST_TEST((link.admit_call() == call_verdict::go));
}

BOOST_AUTO_TEST_CASE(an_unanswered_call_older_than_the_stall_timeout_means_reconnect) {
    link_machine link(config());
    link.start(t0);
    link.on_transport_open();
    BOOST_TEST(!link.stalled(t0, at(10'000))); // not ready: the handshake has its own deadline
    link.on_handshake_done();
    BOOST_TEST(!link.stalled(at(100), at(599)));
    BOOST_TEST(link.stalled(at(100), at(600)));
}

BOOST_AUTO_TEST_CASE(a_lost_link_reconnects_at_once_and_counts_one_outage) {
    link_machine link(config());
    link.start(t0);
    link.on_transport_open();
    link.on_handshake_done();
    link.on_call_timeout();
    BOOST_TEST(link.lose()); // it was ready: an outage
    BOOST_TEST(!link.lose()); // already down: not another one
    BOOST_TEST(!link.suspect());
    auto a = link.on_lost_wait_over(at(7));
    BOOST_TEST((a.what == kind::connect));
    BOOST_TEST((a.deadline == at(1007)));
}

BOOST_AUTO_TEST_CASE(a_stopped_link_ends_whatever_it_was_doing) {
    link_machine link(config());
    link.start(t0);
    link.stop();
    BOOST_TEST((link.on_connect_failed(at(1), 0.5).what == kind::stop));
    BOOST_TEST((link.on_woke(at(2)).what == kind::stop));
    BOOST_TEST((link.on_lost_wait_over(at(3)).what == kind::stop));
    BOOST_TEST(!link.lose());
    BOOST_TEST((link.state() == link_state::stopped));
    BOOST_TEST((link.admit_call() == call_verdict::not_connected));
}

BOOST_AUTO_TEST_SUITE_END()
