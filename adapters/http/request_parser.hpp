#pragma once
// Parses a client's request into an http_request whose fields are our list (header_fields.hpp).
//
// Beast's http::parser is tied to basic_fields (ADR 0010); this is its request side with the
// same hooks over our field list: Beast's basic_parser does the parsing — the request line,
// field syntax, Content-Length and chunked framing, the header and body limits — and calls
// these to keep what it found. The body is kept whole, as string_body would.
#include "adapters/http/request_handler.hpp"

#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>

namespace switchboard::adapters {

class request_parser : public boost::beast::http::basic_parser<true> {
public:
    request_parser() = default;

    http_request& get() noexcept { return request_; }
    http_request const& get() const noexcept { return request_; }
    http_request release() noexcept { return std::move(request_); }

private:
    using error_code = boost::system::error_code;
    void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_string,
                         boost::beast::string_view target, int version, error_code& ec) override;
    void on_response_impl(int, boost::beast::string_view, int, error_code&) override {} // never a status line
    void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                       boost::beast::string_view value, error_code& ec) override;
    void on_header_impl(error_code&) override { request_.compact(); } // a request may be held a stream long
    void on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code& ec) override;
    std::size_t on_body_impl(boost::beast::string_view bytes, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view bytes, error_code& ec) override;
    void on_finish_impl(error_code&) override {}

    http_request request_;
};

} // namespace switchboard::adapters
