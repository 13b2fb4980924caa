// A provider's response parsed into its status, its field list and its body.
#include "adapters/upstream/upstream_parser.hpp"

#include "domain/ascii.hpp"

#include <boost/beast/http/error.hpp>

namespace switchboard::adapters {

namespace http = boost::beast::http;

void upstream_parser::on_response_impl(int code, boost::beast::string_view, int, error_code&) {
    status_ = code;
}

void upstream_parser::on_field_impl(http::field, boost::beast::string_view name_string,
                                    boost::beast::string_view value, error_code&) {
    if (fields_.capacity() == 0) fields_.reserve(16);
    fields_.emplace_back(domain::ascii_lowered(std::string_view(name_string.data(), name_string.size())),
                         std::string(value.data(), value.size()));
}

void upstream_parser::on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code& ec) {
    if (mode_ != body_mode::whole || !content_length) return;
    if (*content_length > body_.max_size()) {
        ec = http::error::buffer_overflow;
        return;
    }
    body_.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t upstream_parser::take(boost::beast::string_view bytes, error_code&) {
    if (mode_ == body_mode::whole) {
        body_.append(bytes.data(), bytes.size());
        return bytes.size();
    }
    if (!piece_.empty()) return 0; // one piece per put(): this one waits for the next call
    piece_ = std::string_view(bytes.data(), bytes.size());
    return bytes.size();
}

std::size_t upstream_parser::on_body_impl(boost::beast::string_view bytes, error_code& ec) {
    return take(bytes, ec);
}

std::size_t upstream_parser::on_chunk_body_impl(std::uint64_t, boost::beast::string_view bytes, error_code& ec) {
    return take(bytes, ec);
}

} // namespace switchboard::adapters
