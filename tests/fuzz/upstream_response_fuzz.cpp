// libFuzzer target: the upstream response reader's framing (what http_client does with the bytes
// a provider sends): interim 1xx responses read past with a fresh parser each, a final response
// read under the body limit, and the rule that a connection is reusable only when the response
// ended exactly where its framing said. Also the request-side framing checks (Transfer-Encoding
// and the chunked-body scan), which read client bytes.
#include "adapters/http/framing.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace http = boost::beast::http;

namespace {
void read_like_the_client(std::string_view bytes) {
    std::optional<http::response_parser<http::string_body>> parser;
    for (int interim = 0; interim <= 8; ++interim) {
        parser.emplace();
        parser->header_limit(64 * 1024);
        parser->body_limit(1 << 20);
        boost::system::error_code ec;
        while (!bytes.empty() && !parser->is_done()) {
            auto const used = parser->put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
            bytes.remove_prefix(used);
            if (ec == http::error::need_more) {
                ec = {};
                break;
            }
            if (ec || used == 0) break;
        }
        if (ec || !parser->is_header_done()) return;
        auto const status = parser->get().result_int();
        if (status >= 200 || status == 101) break;
    }
    if (parser->is_done()) {
        bool const reusable = parser->get().result_int() >= 200 && parser->get().keep_alive() && bytes.empty();
        if (reusable && !bytes.empty()) std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    read_like_the_client(input);
    (void)switchboard::adapters::check_transfer_codings(input.substr(0, 256));
    switchboard::adapters::chunked_body_scan scan;
    auto const half = input.size() / 2;
    if (scan.feed(input.substr(0, half)) == switchboard::adapters::chunked_body_scan::verdict::more)
        (void)scan.feed(input.substr(half));
    return 0;
}
