// libFuzzer target: the upstream response reader's framing (what http_client does with the bytes
// a provider sends): interim 1xx responses read past with a fresh parser each, a final response
// read under the body limit, and the rule that a connection is reusable only when the response
// ended exactly where its framing said; the body read whole and read in pieces (a stream) the
// same bytes; field names lower-cased. Also the request-side framing checks (Transfer-Encoding
// and the chunked-body scan), which read client bytes.
#include "adapters/http/framing.hpp"
#include "adapters/upstream/upstream_parser.hpp"

#include <boost/beast/http/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace http = boost::beast::http;

namespace {
using switchboard::adapters::upstream_parser;

// Feeds `bytes` to `parser` until it is done, stops, or wants more than there is; a parser in
// pieces leaves each piece in `bytes` (within what that put() used), appended to `pieces` before
// those bytes are let go. The bytes it used are removed from `bytes`.
boost::system::error_code feed(upstream_parser& parser, std::string_view& bytes, std::string* pieces) {
    boost::system::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        auto const used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        auto const piece = parser.take_piece();
        if (!pieces && !piece.empty()) std::abort(); // a whole body is kept, never left in the input
        if (!piece.empty() && (piece.data() < bytes.data() || piece.data() + piece.size() > bytes.data() + used))
            std::abort(); // a piece lies in what put() used
        if (pieces) pieces->append(piece);
        bytes.remove_prefix(used);
        if (ec == http::error::need_more) return {};
        if (ec || used == 0) break;
    }
    return ec;
}

// What http_client does with a provider's bytes: interim responses read past with a fresh parser
// each, then the final one, its body whole (`pieces` null) or in pieces. Returns the parser of the
// final response when its header was read.
std::optional<upstream_parser> read_like_the_client(std::string_view bytes, std::string* pieces) {
    auto const mode = pieces ? upstream_parser::body_mode::pieces : upstream_parser::body_mode::whole;
    std::optional<upstream_parser> parser;
    for (int interim = 0; interim <= 8; ++interim) {
        parser.emplace(mode);
        parser->header_limit(64 * 1024);
        parser->body_limit(1 << 20);
        auto const ec = feed(*parser, bytes, pieces);
        if (ec || !parser->is_header_done()) return std::nullopt;
        if (parser->status() >= 200 || parser->status() == 101) break;
    }
    if (parser->is_done()) {
        bool const reusable = parser->status() >= 200 && parser->keep_alive() && bytes.empty();
        if (reusable && !bytes.empty()) std::abort();
    }
    for (auto const& [name, value] : parser->fields())
        for (char c : name)
            if (c >= 'A' && c <= 'Z') std::abort(); // names are kept lower-cased
    return parser;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    // The body read whole and the body read in pieces are the same bytes.
    std::string pieces;
    auto whole = read_like_the_client(input, nullptr);
    auto in_pieces = read_like_the_client(input, &pieces);
    if (whole.has_value() != in_pieces.has_value()) std::abort();
    if (whole && whole->is_done() && in_pieces->is_done() && whole->body() != pieces) std::abort();
    (void)switchboard::adapters::check_transfer_codings(input.substr(0, 256));
    switchboard::adapters::chunked_body_scan scan;
    auto const half = input.size() / 2;
    if (scan.feed(input.substr(0, half)) == switchboard::adapters::chunked_body_scan::verdict::more)
        (void)scan.feed(input.substr(half));
    return 0;
}
