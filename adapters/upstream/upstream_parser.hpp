#pragma once
// Parses a provider's response straight into what the gateway keeps of it: the status, the
// header fields as (lower-cased name, value) pairs, and the body — whole, or piece by piece where
// it lies in the caller's read buffer while a stream is relayed.
//
// Beast's http::parser builds a basic_fields (an ordered tree: an allocation, a name lookup and
// case-insensitive compares per field) that the client then copied into this list and threw
// away; a streamed response kept that tree for the stream's whole life. Framing (Content-Length,
// chunked, keep-alive, the header and body limits) stays Beast's: basic_parser does it and calls
// the hooks below.
#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::adapters {

class upstream_parser : public boost::beast::http::basic_parser<false> {
public:
    using field_list = std::vector<std::pair<std::string, std::string>>;
    // `whole`: the body is kept in body(). `pieces`: the body is not copied: each piece stays
    // where put() found it, in the caller's input, and take_piece() names it until the caller
    // consumes that input. put() leaves at most one piece: a second one in the same call (only
    // an eager parser would reach it) is left unconsumed for the next call.
    enum class body_mode { whole, pieces };

    explicit upstream_parser(body_mode mode) : mode_(mode) {}

    int status() const noexcept { return status_; }
    field_list& fields() noexcept { return fields_; }
    std::string& body() noexcept { return body_; }
    // The piece the last put() left (empty if none), and forgets it: valid while the input given
    // to that put() is.
    std::string_view take_piece() noexcept { return std::exchange(piece_, {}); }

private:
    using error_code = boost::system::error_code;
    void on_request_impl(boost::beast::http::verb, boost::beast::string_view, boost::beast::string_view, int,
                         error_code&) override {} // a response parser is never given a request line
    void on_response_impl(int code, boost::beast::string_view reason, int version, error_code& ec) override;
    void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                       boost::beast::string_view value, error_code& ec) override;
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code& ec) override;
    std::size_t on_body_impl(boost::beast::string_view bytes, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view bytes, error_code& ec) override;
    void on_finish_impl(error_code&) override {}

    std::size_t take(boost::beast::string_view bytes, error_code& ec);

    body_mode mode_;
    int status_ = 0;
    field_list fields_;
    std::string body_;
    std::string_view piece_;
};

} // namespace switchboard::adapters
