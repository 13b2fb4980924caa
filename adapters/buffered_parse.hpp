#pragma once
// Parsing what a read buffer already holds, before reading more.
//
// Beast's async_read_header and async_read post their completion when the buffer already holds
// what they wait for (no I/O done): one more turn of the core's scheduler per call — a queued
// coroutine resumption and, at low load, one more non-blocking epoll_wait per request. A small
// request or answer arrives in one segment, so the server's header and body and the client's
// body would each pay that turn. Feeding the parser first and reading only when it still needs
// bytes parses exactly as those reads would (they feed the parser what is buffered before
// reading), without the turn.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

namespace switchboard::adapters {

enum class parse_goal { header, message };

// Feeds `parser` from `buffer` (consuming what it used) until `goal` is reached or the buffer
// runs out. Returns the parser's error; running out is not one (the caller then reads, as before).
// Sets the parser's eagerness as Beast's reads do: the header alone, or the whole message.
template <class Parser>
boost::system::error_code parse_buffered(Parser& parser, boost::beast::flat_buffer& buffer, parse_goal goal) {
    auto const reached = [&] { return goal == parse_goal::header ? parser.is_header_done() : parser.is_done(); };
    parser.eager(goal == parse_goal::message);
    while (!reached() && buffer.size() > 0) {
        boost::system::error_code ec;
        auto const used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == boost::beast::http::error::need_more) return {};
        if (ec) return ec;
        if (used == 0) return {};
    }
    return {};
}

} // namespace switchboard::adapters
