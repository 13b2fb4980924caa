// A whole response, head and body, in one write.
#include "adapters/http/write_whole.hpp"

#include "adapters/http/response_head.hpp"
#include "adapters/write_now.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>

#include <array>
#include <string>

namespace switchboard::adapters {

net::awaitable<bool> write_whole(beast::tcp_stream& stream, http_response& response, bool head_only) {
    std::string const head = response_head(response);
    std::string_view const body = head_only ? std::string_view() : std::string_view(response.body());
    std::array<net::const_buffer, 2> const wire{net::buffer(head), net::buffer(body)};
    auto const sent = write_now(stream.socket(), wire); // most often all of it (write_now.hpp)
    if (sent == head.size() + body.size()) co_return true;
    beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(wire);
    rest.consume(sent);
    auto [ec, n] = co_await net::async_write(stream, rest, net::as_tuple(net::use_awaitable));
    co_return !ec;
}

} // namespace switchboard::adapters
