// The RESP reader: replies read in pieces, and an array whose header claims more elements than
// any reply of ours has refused as a protocol error before anything is allocated for it (found
// by resp_fuzz: "*354607000" made hiredis allocate 2.8 GB at once).
#include "adapters/store/redis/resp.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using switchboard::adapters::redis_value;
using switchboard::adapters::resp_parser;

BOOST_AUTO_TEST_SUITE(resp_reader)

BOOST_AUTO_TEST_CASE(replies_are_read_whole_from_pieces) {
    resp_parser p;
    std::string const bytes = "*3\r\n:7\r\n$5\r\nhello\r\n-ERR no\r\n+OK\r\n";
    for (char c : bytes) p.feed(std::string_view(&c, 1));
    auto a = p.next();
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST((a->type == redis_value::kind::array));
    BOOST_TEST_REQUIRE(a->elements.size() == 3u);
    BOOST_TEST(a->elements[0].integer == 7);
    BOOST_TEST(a->elements[1].text == "hello");
    BOOST_TEST(a->elements[2].is_error());
    auto ok = p.next();
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST((ok->type == redis_value::kind::status));
    BOOST_TEST(!p.next().has_value());
}

BOOST_AUTO_TEST_CASE(an_array_claiming_more_elements_than_any_reply_has_is_a_protocol_error) {
    resp_parser p;
    p.feed("*2\r\n*354607000\r\n");
    BOOST_CHECK_THROW(p.next(), std::runtime_error);
    resp_parser big;
    big.feed("*1048576\r\n:1\r\n"); // the largest count taken: it waits for the rest
    BOOST_TEST(!big.next().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
