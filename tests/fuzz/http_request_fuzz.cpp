// libFuzzer target: the server's request parser (request_parser: Beast's basic_parser writing into
// our field list), differentially against Beast's own http::request_parser on the same bytes with
// the same limits: both accept or refuse alike, and an accepted request has the same request
// line, the same body and the same fields, the values of each name in the same order (Beast moves
// a repeated name's fields together; ours keep their arrival order); every field is found again
// by its name in any case, and a known field by its enum.
#include "adapters/http/request_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http = boost::beast::http;

namespace {
// Feeds the bytes in pieces of `step` (a request arrives in reads of any size); the error, if any.
// A chunked body is not compared: Beast 1.81's chunk parser asserts (n >= 5, basic_parser.ipp)
// when a last chunk's trailer arrives in pieces — in basic_parser, shared by both parsers and
// by the server since before this parser; upstream_response_fuzz reads chunked bodies whole.
template <class Parser> boost::system::error_code feed(Parser& parser, std::string_view bytes, std::size_t step) {
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(false); // the header alone first, as the server parses it
    boost::system::error_code ec;
    std::string pending;
    std::size_t used = 0;
    bool body_checked = false;
    while (!parser.is_done()) {
        if (parser.is_header_done() && !body_checked) {
            body_checked = true;
            parser.eager(true);
            if (parser.chunked()) return http::error::bad_chunk; // not compared (above)
        }
        if (pending.empty() || ec == http::error::need_more || used == 0) { // more bytes, if any are left
            if (bytes.empty()) break;
            auto const take = std::min(step, bytes.size());
            pending.append(bytes.substr(0, take));
            bytes.remove_prefix(take);
        }
        ec = {};
        used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
        pending.erase(0, used);
        if (ec && ec != http::error::need_more) return ec;
    }
    return {};
}

// ASCII case-insensitive equality (not Beast's iequals: in 1.81 it may read a byte past the end).
bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

// The (name as sent, value) of every field called `name`, in iteration order.
template <class Fields> std::vector<std::pair<std::string, std::string>> named(Fields const& fields, std::string_view name) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto const& field : fields)
        if (same_name(field.name_string(), name)) out.emplace_back(field.name_string(), field.value());
    return out;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size < 1) return 0;
    std::size_t const step = 1 + data[0] % 64;
    std::string_view const input(reinterpret_cast<char const*>(data + 1), size - 1);

    switchboard::adapters::request_parser ours;
    http::request_parser<http::string_body> beasts;
    auto const our_ec = feed(ours, input, step);
    auto const beast_ec = feed(beasts, input, step);
    if (our_ec != beast_ec || ours.is_done() != beasts.is_done()) std::abort();
    if (!ours.is_done()) return 0;

    auto const& mine = ours.get();
    auto const& theirs = beasts.get();
    if (mine.method() != theirs.method() || mine.method_string() != theirs.method_string() ||
        mine.target() != theirs.target() || mine.version() != theirs.version() || mine.body() != theirs.body() ||
        ours.keep_alive() != beasts.keep_alive() || mine.keep_alive() != theirs.keep_alive())
        std::abort();
    if (std::distance(mine.begin(), mine.end()) != std::distance(theirs.begin(), theirs.end())) std::abort();
    for (auto const& field : mine) {
        if (named(mine, field.name_string()) != named(theirs, field.name_string())) std::abort();
        if (field.name() != http::string_to_field(field.name_string())) std::abort();
        if (mine.find(upper(field.name_string())) == mine.end()) std::abort();
        if (field.name() != http::field::unknown && mine.count(field.name()) != theirs.count(field.name()))
            std::abort();
        if (mine.count(field.name_string()) != theirs.count(field.name_string())) std::abort();
    }
    return 0;
}
