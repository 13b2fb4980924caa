#pragma once
// Writes to a socket what it takes at once, without waiting and without a scheduler turn.
//
// Asio's asynchronous write tries the socket at once too, but posts its completion even when
// every byte went out (Boost 1.81 has no immediate completion): one more turn of the core's
// scheduler per write — a queued resumption and, at low load, one more epoll_wait. A write that
// goes out whole here needs no asynchronous write at all. What the socket did not take (its
// send buffer full) is left to the asynchronous write that follows, and so is a failure: this
// reports none, the write after it meets the same error and reports it with its usual code.
#include "adapters/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <span>

namespace switchboard::adapters {

// The bytes written, from the start of `buffers` (0 when the socket would block or failed).
std::size_t write_now(net::ip::tcp::socket& socket, std::span<net::const_buffer const> buffers);

} // namespace switchboard::adapters
