// The response's field list: Beast's Fields contract as the gateway uses it, and what it adds
// (insertion order, views that outlive a replacement).
#include "adapters/http/error_response.hpp"
#include "adapters/http/request_parser.hpp"
#include "adapters/http/response_head.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace adapters = switchboard::adapters;
namespace http = boost::beast::http;
using adapters::http_response;

namespace {
std::vector<std::string> names_of(http_response const& res) {
    std::vector<std::string> names;
    for (auto const& field : res) names.emplace_back(field.name_string());
    return names;
}
} // namespace

BOOST_AUTO_TEST_SUITE(header_fields)

BOOST_AUTO_TEST_CASE(names_compare_without_case_and_known_fields_meet_their_spelled_names) {
    http_response res{http::status::ok, 11};
    res.insert("X-RateLimit-Limit-Requests", "100");
    res.insert(http::field::content_type, "application/json");
    BOOST_TEST(res["x-ratelimit-limit-requests"] == "100");
    BOOST_TEST(res[http::field::content_type] == "application/json");
    BOOST_TEST(res["CONTENT-TYPE"] == "application/json");
    BOOST_TEST(res.find("content-type")->name() == http::field::content_type);
    BOOST_TEST(res.find("x-ratelimit-limit-requests")->name() == http::field::unknown);
    BOOST_TEST(res["x-ratelimit-limit-request"].empty()); // a prefix is another name
    BOOST_TEST((res.find("x-absent") == res.end()));
    BOOST_TEST(res.count(http::field::content_type) == 1u);
}

BOOST_AUTO_TEST_CASE(insert_keeps_the_order_set_replaces_every_field_of_the_name_in_place) {
    http_response res{http::status::ok, 11};
    res.insert("vary", "origin");
    res.insert("x-request-id", "r1");
    res.insert("Vary", "accept-encoding");
    res.insert("x-last", "1");
    BOOST_TEST(res.count("vary") == 2u);
    BOOST_TEST((names_of(res) == std::vector<std::string>{"vary", "x-request-id", "Vary", "x-last"}));

    res.set("VARY", "*");
    BOOST_TEST(res.count("vary") == 1u);
    BOOST_TEST(res["vary"] == "*");
    BOOST_TEST((names_of(res) == std::vector<std::string>{"vary", "x-request-id", "x-last"}));

    BOOST_TEST(res.erase("x-request-id") == 1u);
    BOOST_TEST(res.erase("x-request-id") == 0u);
    BOOST_TEST((names_of(res) == std::vector<std::string>{"vary", "x-last"}));
    auto after = res.erase(res.find("vary"));
    BOOST_TEST(after->name_string() == "x-last");
}

BOOST_AUTO_TEST_CASE(values_lose_the_white_space_around_them_as_beast_trims_them) {
    http_response res{http::status::ok, 11};
    res.set("x-padded", " \t value with inner space \t");
    res.insert(http::field::server, "  ");
    BOOST_TEST(res["x-padded"] == "value with inner space");
    BOOST_TEST(res.count(http::field::server) == 1u);
    BOOST_TEST(res[http::field::server].empty());
}

BOOST_AUTO_TEST_CASE(a_viewed_value_outlives_the_replacement_of_its_field_and_many_more_fields) {
    http_response res{http::status::ok, 11};
    res.set("x-first", "one");
    std::string_view const seen = res["x-first"];
    res.set("x-first", std::string(2000, 'a')); // a value larger than a block
    for (int i = 0; i < 100; ++i) res.insert("x-filler-" + std::to_string(i), std::string(40, 'f'));
    res.set("x-copy", res["x-first"].substr(0, 3)); // a value taken from the fields themselves
    BOOST_TEST(seen == "one");
    BOOST_TEST(res["x-first"].size() == 2000u);
    BOOST_TEST(res["x-copy"] == "aaa");
    BOOST_TEST(res["x-filler-99"] == std::string(40, 'f'));
}

BOOST_AUTO_TEST_CASE(copies_are_deep_and_moves_leave_an_empty_list) {
    http_response res{http::status::created, 11};
    res.reason("Made");
    res.set("x-a", "1");
    http_response copy = res;
    res.set("x-a", "2");
    BOOST_TEST(copy["x-a"] == "1");
    BOOST_TEST(copy.reason() == "Made");
    http_response moved = std::move(copy);
    BOOST_TEST(moved["x-a"] == "1");
    BOOST_TEST((copy.begin() == copy.end())); // NOLINT(bugprone-use-after-move): moved-from is empty
    copy = moved;
    copy.set("x-b", "3");
    BOOST_TEST(copy["x-a"] == "1");
    BOOST_TEST(moved["x-b"].empty());
}

BOOST_AUTO_TEST_CASE(keep_alive_follows_the_connection_field_by_version) {
    http_response one_one{http::status::ok, 11};
    BOOST_TEST(one_one.keep_alive());
    one_one.keep_alive(false);
    BOOST_TEST(one_one[http::field::connection] == "close");
    BOOST_TEST(!one_one.keep_alive());
    one_one.keep_alive(true);
    BOOST_TEST(one_one.count(http::field::connection) == 0u);

    http_response one_zero{http::status::ok, 10};
    BOOST_TEST(!one_zero.keep_alive());
    one_zero.keep_alive(true);
    BOOST_TEST(one_zero[http::field::connection] == "keep-alive");
    BOOST_TEST(one_zero.keep_alive());

    http_response upgraded{http::status::ok, 11}; // other tokens stay
    upgraded.set(http::field::connection, "upgrade");
    upgraded.keep_alive(false);
    BOOST_TEST(upgraded[http::field::connection] == "upgrade, close");
    upgraded.keep_alive(true);
    BOOST_TEST(upgraded[http::field::connection] == "upgrade");
}

BOOST_AUTO_TEST_CASE(payload_framing_sets_exactly_one_of_length_and_chunked) {
    http_response res{http::status::ok, 11};
    res.body() = "hello";
    res.prepare_payload();
    BOOST_TEST(res[http::field::content_length] == "5");
    BOOST_TEST(res.has_content_length());
    BOOST_TEST(!res.chunked());

    res.chunked(true);
    BOOST_TEST(res.chunked());
    BOOST_TEST(res[http::field::transfer_encoding] == "chunked");
    BOOST_TEST(!res.has_content_length());

    res.set(http::field::transfer_encoding, "gzip");
    BOOST_TEST(!res.chunked()); // chunked only when it is the last coding
    res.chunked(true);
    BOOST_TEST(res[http::field::transfer_encoding] == "gzip, chunked");
    res.content_length(7);
    BOOST_TEST(res[http::field::transfer_encoding] == "gzip");
    BOOST_TEST(res[http::field::content_length] == "7");
}

BOOST_AUTO_TEST_CASE(the_head_lists_the_fields_in_the_order_they_were_set) {
    http_response res{http::status::too_many_requests, 11};
    res.insert(http::field::content_type, "application/json");
    res.insert("x-request-id", "r-1");
    res.insert("retry-after", "3");
    res.body() = "{}";
    auto const head = adapters::response_head(res);
    BOOST_TEST(head.rfind("HTTP/1.1 429 Too Many Requests\r\n"
                          "Content-Type: application/json\r\n"
                          "x-request-id: r-1\r\n"
                          "retry-after: 3\r\n"
                          "Content-Length: 2\r\n",
                          0) == 0u,
               head);
}

BOOST_AUTO_TEST_CASE(lookups_skip_absent_lengths_and_stay_right_after_erasures) {
    http_response res{http::status::ok, 11};
    res.insert("x-aa", "1");
    res.insert("x-bb", "2");
    res.insert("y", "short");
    res.insert(std::string(65, 'z'), "long"); // 65 and 1 share a bit of the length mask
    BOOST_TEST(res["Y"] == "short");
    BOOST_TEST(res[std::string(65, 'Z')] == "long");
    BOOST_TEST(res["q"].empty());
    BOOST_TEST(res.erase("x-aa") == 1u);
    BOOST_TEST(res["x-bb"] == "2"); // another name of the erased one's length
    BOOST_TEST(res.erase("y") == 1u);
    BOOST_TEST(res[std::string(65, 'z')] == "long");
    res.erase(res.find("x-bb"));
    BOOST_TEST(res["x-bb"].empty());
    BOOST_TEST(res.count("x-bb") == 0u);
    res.set("x-bb", "3");
    BOOST_TEST(res["x-bb"] == "3");
}

BOOST_AUTO_TEST_CASE(a_request_is_parsed_into_the_list_with_its_names_as_sent_and_its_known_fields_by_enum) {
    std::string const raw = "PURGE /v1/x?q=1 HTTP/1.1\r\nHost: gw\r\nX-Tenant: acme\r\ncontent-TYPE: text/plain\r\n"
                            "Vary: a\r\nvary: b\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    adapters::request_parser parser;
    parser.eager(true); // the body too, in the same call
    boost::system::error_code ec;
    auto const used = parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(used == raw.size());
    BOOST_TEST_REQUIRE(parser.is_done());
    auto const req = parser.release();
    BOOST_TEST(req.method() == http::verb::purge);
    BOOST_TEST(req.target() == "/v1/x?q=1");
    BOOST_TEST(req.version() == 11u);
    BOOST_TEST(req.body() == "hello world");
    BOOST_TEST(req[http::field::content_type] == "text/plain");
    BOOST_TEST(req.find(http::field::content_type)->name_string() == "content-TYPE"); // as sent
    BOOST_TEST(req.find("x-tenant")->name() == http::field::unknown);
    BOOST_TEST(req["X-TENANT"] == "acme");
    BOOST_TEST(req.count(http::field::vary) == 2u);
    std::vector<std::string> names;
    for (auto const& field : req) names.emplace_back(field.name_string());
    BOOST_TEST((names == std::vector<std::string>{"Host", "X-Tenant", "content-TYPE", "Vary", "vary",
                                                  "Transfer-Encoding"}));

    std::string const odd = "BREW /pot HTTP/1.0\r\nContent-Length: 2\r\n\r\nok"; // a method Beast has no verb for
    adapters::request_parser other;
    other.eager(true);
    other.put(boost::asio::buffer(odd.data(), odd.size()), ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(other.get().method() == http::verb::unknown);
    BOOST_TEST(other.get().method_string() == "BREW");
    BOOST_TEST(other.get().body() == "ok");
    BOOST_TEST(!other.get().keep_alive());
}

BOOST_AUTO_TEST_CASE(compacting_keeps_every_field_value_and_start_line_and_the_list_takes_more_after) {
    adapters::request_parser parser;
    parser.eager(true);
    std::string const raw = "GET /v1/models?limit=5 HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer sk-1\r\n"
                            "X-Priority: high\r\nx-priority: low\r\n\r\n";
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(raw.data(), raw.size()), ec); // the parser compacts the finished head
    BOOST_TEST_REQUIRE(!ec, ec.message());
    auto req = parser.release();
    BOOST_TEST(req.target() == "/v1/models?limit=5");
    BOOST_TEST(req[http::field::authorization] == "Bearer sk-1");
    BOOST_TEST(req.count("x-priority") == 2u);
    req.compact(); // twice is harmless
    req.set("x-added", std::string(300, 'v'));
    req.insert(http::field::accept, "application/json");
    BOOST_TEST(req["x-added"].size() == 300u);
    BOOST_TEST(req[http::field::accept] == "application/json");
    BOOST_TEST(req[http::field::host] == "gw");
    BOOST_TEST(req.target() == "/v1/models?limit=5");

    http_response res{http::status::created, 11};
    res.reason("Made");
    for (int i = 0; i < 20; ++i) res.insert("x-field-" + std::to_string(i), std::to_string(i * i));
    res.erase("x-field-3");
    res.compact();
    BOOST_TEST(res.reason() == "Made");
    BOOST_TEST(res["x-field-19"] == "361");
    BOOST_TEST(res["x-field-3"].empty());
    BOOST_TEST(std::distance(res.begin(), res.end()) == 19);
}

BOOST_AUTO_TEST_SUITE_END()
