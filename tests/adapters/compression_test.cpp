// gzip over real HTTP: a large JSON answer is compressed for a client that takes gzip (and reads
// back as the same body), never for one that does not, never when small, never for a stream; the
// answer says Vary: Accept-Encoding, its ETag turns weak, and server.gzip_min_bytes: 0 turns it off.
#include "gateway_fixture.hpp"
#include "stream_helpers.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/test_client.hpp"

#include <boost/test/unit_test.hpp>

#include <zlib.h>

using namespace switchboard;
using namespace switchboard::testing;

namespace {
std::string gunzip(std::string const& in) {
    z_stream z{};
    inflateInit2(&z, 15 + 16);
    std::string out(in.size() * 50 + 1024, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int const rc = inflate(&z, Z_FINISH);
    out.resize(z.total_out);
    inflateEnd(&z);
    BOOST_TEST_REQUIRE(rc == Z_STREAM_END);
    return out;
}

std::string config(mock_upstream const& up, std::string const& extra = "") {
    return extra + "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
           "\", api_key: k-upstream-000001}\nmodels:\n  chat: [p/m]\n";
}

using headers = std::vector<std::pair<std::string, std::string>>;
headers const takes_gzip{{"Accept-Encoding", "gzip, deflate"}};
} // namespace

BOOST_AUTO_TEST_SUITE(compression)

BOOST_AUTO_TEST_CASE(a_large_json_answer_is_gzipped_for_a_client_that_takes_it) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", std::string(4000, 'a'))));
    gateway_fixture gw(config(up));
    auto const plain = gw.chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(plain.status == 200);
    BOOST_TEST(plain.header("content-encoding").empty());
    BOOST_TEST(plain.header("vary").find("Accept-Encoding") != std::string::npos);
    auto const packed = gw.chat(chat_body("chat"), takes_gzip);
    BOOST_TEST_REQUIRE(packed.status == 200);
    BOOST_TEST(packed.header("content-encoding") == "gzip");
    BOOST_TEST(packed.body.size() < plain.body.size() / 10);
    BOOST_TEST(std::stoul(packed.header("content-length")) == packed.body.size());
    auto const body = gunzip(packed.body);
    // The same answer (its id and created differ per call): the content is all there.
    BOOST_TEST(body.find(std::string(4000, 'a')) != std::string::npos);
    BOOST_TEST(body.size() == plain.body.size());
}

BOOST_AUTO_TEST_CASE(small_refused_and_streamed_answers_are_not_compressed) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "short")));
    gateway_fixture gw(config(up));
    BOOST_TEST(gw.chat(chat_body("chat"), takes_gzip).header("content-encoding").empty()); // under 1 KiB
    mock_upstream big;
    big.always(canned_reply::json(200, completion_body("m", std::string(4000, 'b'))));
    gateway_fixture gw2(config(big));
    BOOST_TEST(gw2.chat(chat_body("chat"), {{"Accept-Encoding", "gzip;q=0, identity"}}).header("content-encoding").empty());
    // A stream far over the threshold goes out as its chunks come, uncompressed.
    mock_upstream streaming;
    streaming.always(canned_reply::sse(openai_stream(std::vector<std::string>(40, std::string(100, 's')))));
    gateway_fixture gw3(config(streaming));
    auto const stream = gw3.chat(R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]})", takes_gzip);
    BOOST_TEST(stream.status == 200);
    BOOST_TEST(stream.header("content-encoding").empty());
    BOOST_TEST(stream.body.size() > 4000u);
    BOOST_TEST(stream.body.find("data: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_gzipped_get_keeps_a_weak_etag_that_still_answers_304) {
    mock_upstream api;
    api.always(canned_reply::json(200, R"({"main":{"temp":21.5},"name":")" + std::string(3000, 'P') + R"("})"));
    gateway_fixture gw("providers:\n  meteo: {kind: rest, base_url: \"" + api.base_url() + "\"}\n"
                       "services:\n  weather:\n    now:\n      params: {city: {type: string}}\n"
                       "      providers: [{provider: meteo, path: /w, output: {t: /main/temp, city: /name}}]\n");
    auto const first = http_call(gw.port(), "GET", "/api/v1/services/weather/now?city=x", "", takes_gzip);
    BOOST_TEST_REQUIRE(first.status == 200, first.body);
    BOOST_TEST(first.header("content-encoding") == "gzip");
    BOOST_TEST(first.header("etag").rfind("W/\"", 0) == 0);
    auto h = takes_gzip;
    h.emplace_back("If-None-Match", first.header("etag"));
    auto const again = http_call(gw.port(), "GET", "/api/v1/services/weather/now?city=x", "", h);
    BOOST_TEST(again.status == 304);
    BOOST_TEST(again.body.empty());
}

BOOST_AUTO_TEST_CASE(gzip_min_bytes_zero_turns_it_off) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", std::string(4000, 'c'))));
    gateway_fixture gw(config(up, "server: {gzip_min_bytes: 0}\n"));
    auto const r = gw.chat(chat_body("chat"), takes_gzip);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.header("content-encoding").empty());
}

BOOST_AUTO_TEST_SUITE_END()
