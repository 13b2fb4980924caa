// A client that goes away mid-call: its disconnect is a cancellation bound to the dispatch, so the
// upstream exchange or the wait in progress ends at once, nothing else is started for it, and
// every reservation it held is given back. (The mid-stream case is in streaming_test.cpp.)
#include "gateway_fixture.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::testing;
using namespace std::chrono_literals;
namespace json = boost::json;
namespace net = boost::asio;

namespace {
std::string config_for(mock_upstream const& up, std::string const& extra = "") {
    return "timeouts: {attempt: 60s, request: 60s}\n"
           "quotas: {tenants: {default: {tokens_per_day: 100000}}}\n" + extra +
           "providers:\n  o: {kind: openai, base_url: \"" + up.base_url("/v1") +
           "\", api_key: k-openai-00001}\nmodels:\n  chat: [o/m]\n";
}

// A chat request sent on a raw connection, closed by the test once the upstream has it.
class leaving_client {
  public:
    explicit leaving_client(unsigned short port) : socket_(io_) {
        socket_.connect({net::ip::make_address("127.0.0.1"), port});
        std::string const body = R"({"model":"chat","messages":[{"role":"user","content":"hi"}]})";
        std::string const request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: application/json\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body;
        net::write(socket_, net::buffer(request));
    }
    void leave() { socket_.close(); }

  private:
    net::io_context io_;
    net::ip::tcp::socket socket_;
};

std::int64_t reserved_tokens(gateway_fixture& gw) {
    auto const quotas = json::parse(gw.get("/api/v1/quotas").body);
    return quotas.at("tenants").at(0).at("day").at("tokens").at("reserved").as_int64();
}
} // namespace

BOOST_AUTO_TEST_SUITE(client_departure)

BOOST_AUTO_TEST_CASE(a_client_that_leaves_a_plain_call_closes_its_upstream_exchange_at_once) {
    mock_upstream up;
    up.always(canned_reply::stay_silent()); // a long generation
    gateway_fixture gw(config_for(up));
    leaving_client client(gw.port());
    BOOST_TEST_REQUIRE(eventually([&] { return up.hits() == 1; }));
    BOOST_TEST(reserved_tokens(gw) > 0); // the call holds its reservation while it waits
    auto const left = std::chrono::steady_clock::now();
    client.leave();

    BOOST_TEST_REQUIRE(eventually([&] { return !up.client_closures().empty(); }));
    auto const noticed = up.client_closures().front() - left;
    BOOST_TEST((noticed < 1s), "the provider saw its connection closed after "
                                   << std::chrono::duration_cast<std::chrono::milliseconds>(noticed).count() << " ms");
    BOOST_TEST(eventually([&] { return reserved_tokens(gw) == 0; }));
    BOOST_TEST(eventually([&] { return gw.runtime().in_flight() == 0; }));
    BOOST_TEST(up.hits() == 1u); // no retry, no fallback for a client that is gone
    BOOST_TEST(gw.get("/api/health").status == 200);
}

// The watch behind it costs a system call, so only calls that last get one: quick calls arm none.
BOOST_AUTO_TEST_CASE(only_a_call_that_lasts_has_its_disconnect_watched) {
    mock_upstream up;
    up.reply_with([](recorded_request const& r) {
        auto reply = canned_reply::json(200, R"({"id":"c","object":"chat.completion","created":1,"model":"m",)"
                                             R"("choices":[{"index":0,"message":{"role":"assistant","content":"ok"},)"
                                             R"("finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})");
        if (r.body.find("slow") != std::string::npos) reply.delay = 400ms; // outlasts the watch delay
        return reply;
    });
    gateway_fixture gw(config_for(up));
    auto call = [&](char const* text) {
        return gw.post("/v1/chat/completions",
                       std::string(R"({"model":"chat","messages":[{"role":"user","content":")") + text + R"("}]})");
    };
    auto const before = gw.runtime().disconnect_watches_armed();
    BOOST_TEST(call("slow").status == 200);
    BOOST_TEST(gw.runtime().disconnect_watches_armed() == before + 1);
    // Quick calls (a few ms here; slower under the sanitizers) mostly end before the delay.
    auto const quick_before = gw.runtime().disconnect_watches_armed();
    for (int i = 0; i < 20; ++i) BOOST_TEST(call("quick").status == 200);
    BOOST_TEST(gw.runtime().disconnect_watches_armed() - quick_before < 10u); // locally: 0
}

BOOST_AUTO_TEST_CASE(a_client_that_leaves_during_a_retry_after_wait_ends_the_wait) {
    mock_upstream up;
    auto busy = canned_reply::json(429, R"({"error":{"message":"slow down","type":"rate_limit_error"}})");
    busy.headers.emplace_back("retry-after", "30");
    up.always(busy);
    gateway_fixture gw(config_for(up, "resilience: {retry: {max_attempts: 2, max_retry_after: 40s}}\n"));
    leaving_client client(gw.port());
    BOOST_TEST_REQUIRE(eventually([&] { return up.hits() == 1; }));
    client.leave(); // the call waits 30 s for its only deployment; the client does not


    BOOST_TEST(eventually([&] { return gw.runtime().in_flight() == 0; }, 5s),
               "the call still waits for a client that left");
    BOOST_TEST(reserved_tokens(gw) == 0);
    BOOST_TEST(up.hits() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
