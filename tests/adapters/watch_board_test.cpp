// Disconnect watches armed late: a watch withdrawn before its call has lasted is never armed (no
// system call for a short call); one still enlisted after the delay is armed once, oldest first.
#include "adapters/http/watch_board.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <vector>

using namespace switchboard::adapters;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {
struct counted_watch : deferred_watch {
    std::vector<int>* order = nullptr;
    int id = 0;
    int armed = 0;
    void arm() override {
        ++armed;
        if (order) order->push_back(id);
    }
};

// Runs the loop until it has nothing left to do (the board's timer stops once nobody is enlisted).
void drain(net::io_context& io) {
    io.restart();
    io.run_for(2s);
}
} // namespace

BOOST_AUTO_TEST_SUITE(watch_board_suite)

BOOST_AUTO_TEST_CASE(a_watch_withdrawn_before_the_delay_is_never_armed) {
    net::io_context io;
    watch_board board(io, 5ms);
    counted_watch quick;
    board.enlist(quick);
    BOOST_TEST(board.enlisted(quick));
    board.withdraw(quick); // the call ended first
    BOOST_TEST(!board.enlisted(quick));
    drain(io);
    BOOST_TEST(quick.armed == 0);
    BOOST_TEST(board.armed() == 0u);
    BOOST_TEST(io.stopped()); // no timer left behind
}

BOOST_AUTO_TEST_CASE(watches_still_enlisted_are_armed_once_oldest_first) {
    net::io_context io;
    watch_board board(io, 5ms);
    std::vector<int> order;
    counted_watch a, b, c;
    a.order = b.order = c.order = &order;
    a.id = 1, b.id = 2, c.id = 3;
    board.enlist(a);
    board.enlist(b);
    board.enlist(b); // enlisting twice changes nothing
    board.enlist(c);
    board.withdraw(b); // from the middle
    drain(io);
    BOOST_TEST(a.armed == 1);
    BOOST_TEST(b.armed == 0);
    BOOST_TEST(c.armed == 1);
    BOOST_TEST((order == std::vector<int>{1, 3}));
    BOOST_TEST(board.armed() == 2u);
    BOOST_TEST(!board.enlisted(a));
    BOOST_TEST(io.stopped());
}

BOOST_AUTO_TEST_CASE(a_closed_board_arms_nothing_more) {
    net::io_context io;
    watch_board board(io, 5ms);
    counted_watch w;
    board.enlist(w);
    board.close(); // shutdown
    drain(io);
    BOOST_TEST(w.armed == 0);
    board.withdraw(w);
}

BOOST_AUTO_TEST_SUITE_END()
