// A client's request parsed into our field list.
#include "adapters/http/request_parser.hpp"

#include <boost/beast/http/error.hpp>

#include <new>

namespace switchboard::adapters {

void request_parser::on_request_impl(http::verb method, boost::beast::string_view method_string,
                                     boost::beast::string_view target, int version, error_code& ec) {
    try {
        request_.target(target);
        if (method != http::verb::unknown) request_.method(method);
        else request_.method_string(method_string);
        request_.version(static_cast<unsigned>(version));
    } catch (std::bad_alloc const&) {
        ec = http::error::bad_alloc;
    }
}

void request_parser::on_field_impl(http::field name, boost::beast::string_view name_string,
                                   boost::beast::string_view value, error_code& ec) {
    try {
        request_.insert(name, std::string_view(name_string.data(), name_string.size()),
                        std::string_view(value.data(), value.size()));
    } catch (std::bad_alloc const&) {
        ec = http::error::bad_alloc;
    }
}

void request_parser::on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code& ec) {
    if (!content_length) return;
    if (*content_length > request_.body().max_size()) {
        ec = http::error::buffer_overflow;
        return;
    }
    request_.body().reserve(static_cast<std::size_t>(*content_length));
}

std::size_t request_parser::on_body_impl(boost::beast::string_view bytes, error_code&) {
    request_.body().append(bytes.data(), bytes.size());
    return bytes.size();
}

std::size_t request_parser::on_chunk_body_impl(std::uint64_t, boost::beast::string_view bytes, error_code&) {
    request_.body().append(bytes.data(), bytes.size());
    return bytes.size();
}

} // namespace switchboard::adapters
