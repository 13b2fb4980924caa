// What the gateway writes for machines to read stays well-formed whatever bytes clients or
// providers sent: JSON log lines are valid UTF-8 JSON, Prometheus label values hold no raw CR,
// NUL or ill-formed UTF-8.
#include "adapters/observability/log_line.hpp"
#include "adapters/observability/metrics.hpp"
#include "tests/support/log_capture.hpp"

#include <boost/json/object.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::adapters;

BOOST_AUTO_TEST_SUITE(output_encoding)

BOOST_AUTO_TEST_CASE(log_lines_replace_ill_formed_utf8_and_keep_the_rest) {
    testing::log_capture capture(log_level::debug);
    static constexpr char bytes[] = "caf\xC3\xA9 \xFF\xFE x \xC3 \xED\xA0\x80 end\r\n\x01";
    std::string const raw(bytes, sizeof bytes - 1);
    log_line line(log_level::info, "probe");
    line.add("text", raw);
    line.add("tree", boost::json::value(boost::json::object{{raw, raw}}));
    line.write();
    auto const text = capture.text();
    auto const lines = capture.lines(); // throws unless every line is one JSON object
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    auto const& got = lines.front().at("text").as_string();
    BOOST_TEST(got.find("caf\xC3\xA9") != boost::json::string::npos); // valid UTF-8 kept
    BOOST_TEST(got.find("\xEF\xBF\xBD") != boost::json::string::npos); // the rest replaced
    for (unsigned char c : text)
        BOOST_TEST((c != 0xFF && c != 0xFE && c != 0x01 && c != '\r'), "raw byte " << int(c) << " in the log");
    // The whole line, read back as UTF-8 bytes: no lone lead byte or surrogate survived.
    BOOST_TEST(text.find("\xED\xA0\x80") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(label_values_hold_no_raw_control_character_or_ill_formed_utf8) {
    std::string out;
    static constexpr char bytes[] = "a\rb\0c\nd\"e\\f\xFFg\xC3\xA9";
    append_escaped_label_value(out, std::string(bytes, sizeof bytes - 1));
    BOOST_TEST(out.find('\r') == std::string::npos);
    BOOST_TEST(out.find('\0') == std::string::npos);
    BOOST_TEST(out.find('\n') == std::string::npos); // escaped as \n
    BOOST_TEST(out.find("\\n") != std::string::npos);
    BOOST_TEST(out.find("\\\"") != std::string::npos);
    BOOST_TEST(out.find("\\\\") != std::string::npos);
    BOOST_TEST(out.find('\xFF') == std::string::npos);
    BOOST_TEST(out.find("\xC3\xA9") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_strings_escape_a_special_byte_at_every_position_of_the_eight_byte_stride) {
    // The scan skips eight plain bytes at a time: a byte to escape or check must be caught
    // wherever it falls in a word, and in the tail after the last whole word.
    struct special {
        std::string raw, escaped;
    };
    std::vector<special> const specials{{"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {"\t", "\\t"},
                                        {std::string(1, '\x01'), "\\u0001"}, {std::string(1, '\x1f'), "\\u001f"},
                                        {"\x7f", "\x7f"}, {"\xC3\xA9", "\xC3\xA9"}, {"\xFF", "\\ufffd"},
                                        {" ", " "}, {"~", "~"}};
    for (std::size_t length = 0; length <= 19; ++length)
        for (std::size_t at = 0; at <= length; ++at)
            for (auto const& s : specials) {
                std::string const before(at, 'a'), after(length - at, 'b');
                std::string out;
                append_json_string(out, before + s.raw + after);
                BOOST_TEST_REQUIRE(out == "\"" + before + s.escaped + after + "\"",
                                   "length " << length << " at " << at << ": " << out);
            }
}

BOOST_AUTO_TEST_SUITE_END()
