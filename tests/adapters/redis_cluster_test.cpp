// Redis Cluster's addressing as the gateway computes it: key slots (checked against a real
// cluster's CLUSTER KEYSLOT), CLUSTER SLOTS replies and -MOVED/-ASK redirections read or refused.
#include "adapters/store/redis/key_slot.hpp"
#include "adapters/store/redis/slot_map.hpp"
#include "tests/support/redis_cluster_servers.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::adapters;

namespace {
redis_value integer(long long v) {
    redis_value r;
    r.type = redis_value::kind::integer;
    r.integer = v;
    return r;
}
redis_value text(std::string v) {
    redis_value r;
    r.type = redis_value::kind::string;
    r.text = std::move(v);
    return r;
}
redis_value array(std::vector<redis_value> items) {
    redis_value r;
    r.type = redis_value::kind::array;
    r.elements = std::move(items);
    return r;
}
redis_value range(long long first, long long last, std::string host, long long port) {
    return array({integer(first), integer(last), array({text(std::move(host)), integer(port), text("id")})});
}
} // namespace

BOOST_AUTO_TEST_SUITE(redis_cluster_addressing)

BOOST_AUTO_TEST_CASE(key_slots_follow_the_cluster_specification) {
    BOOST_TEST(key_slot("123456789") == 0x31C3); // the specification's CRC16 check value
    BOOST_TEST(key_slot("somekey") == 11058);
    BOOST_TEST(key_slot("foo{hash_tag}") == 2515);
    BOOST_TEST(key_slot("{user1000}.following") == key_slot("{user1000}.followers"));
    BOOST_TEST(key_slot("foo{}{bar}") != key_slot("bar")); // "{}" first: the whole key is hashed
    BOOST_TEST(key_slot("foo{{bar}}zap") == key_slot("{bar"));
    BOOST_TEST(key_slot("foo{bar}{zap}") == key_slot("bar"));
    BOOST_TEST(key_slot("quota:{tenant:acme}:2026-12-04") == key_slot("quota:{tenant:acme}:leases"));
    BOOST_TEST(key_slot("") == 0);
}

BOOST_AUTO_TEST_CASE(key_slots_match_a_real_cluster) {
    testing::redis_cluster_servers cluster;
    for (std::string key : {"a", "quota:{tenant:acme}:2026-12", "rl:{ip:10.0.0.1}:*:60000", "budget:{b-1}",
                            "meter:{key:k1}:calls", "sbc:{~}:e:abc", "{}", "x{", "}{y}", "\xff\x00\x01"})
        BOOST_TEST(key_slot(key) == cluster.slot_of(key), key);
    for (int i = 0; i < 200; ++i) {
        auto const key = "tenant-" + std::to_string(i * 7919);
        BOOST_TEST(key_slot(key) == cluster.slot_of(key), key);
    }
}

BOOST_AUTO_TEST_CASE(cluster_slots_replies_are_read_or_refused) {
    auto map = parse_cluster_slots(array({range(0, 5460, "10.0.0.1", 7000), range(5461, 16383, "", 7001)}), "seed");
    BOOST_TEST_REQUIRE(map.size() == 2u);
    BOOST_TEST(map[0].last == 5460);
    BOOST_TEST(map[0].primary.name() == "10.0.0.1:7000");
    BOOST_TEST(map[1].primary.name() == "seed:7001"); // no address known: the node asked
    BOOST_TEST(parse_cluster_slots(array({range(0, 0, "?", 7002)}), "seed")[0].primary.host == "seed");
    BOOST_TEST(parse_cluster_slots(array({}), "seed").empty());

    redis_value error;
    error.type = redis_value::kind::error;
    error.text = "ERR This instance has cluster support disabled";
    for (auto const& bad : {error, integer(1), array({integer(1)}), array({range(0, 16384, "h", 1)}),
                            array({range(10, 9, "h", 1)}), array({range(0, 1, "h", 0)}), array({range(0, 1, "h", 70000)}),
                            array({array({integer(0), integer(1), array({integer(5), integer(1)})})})})
        BOOST_CHECK_THROW(parse_cluster_slots(bad, "seed"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(redirections_are_read_or_refused) {
    auto moved = parse_redirection("MOVED 3999 127.0.0.1:6381");
    BOOST_TEST_REQUIRE(moved.has_value());
    BOOST_TEST(!moved->ask);
    BOOST_TEST(moved->slot == 3999);
    BOOST_TEST(moved->to.name() == "127.0.0.1:6381");
    auto ask = parse_redirection("ASK 16383 [::1]:7000");
    BOOST_TEST_REQUIRE(ask.has_value());
    BOOST_TEST(ask->ask);
    BOOST_TEST(ask->to.host == "[::1]");
    BOOST_TEST(parse_redirection("MOVED 1 :7000")->to.host.empty()); // the node that answered
    for (auto bad : {"ERR wrong", "MOVED", "MOVED 16384 h:1", "MOVED x h:1", "MOVED 1 h:0", "MOVED 1 h:65536",
                     "MOVED 1 h", "ASK 1h:1", "moved 1 h:1", "NOSCRIPT No matching script"})
        BOOST_TEST(!parse_redirection(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
