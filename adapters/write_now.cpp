// Non-blocking gathered writes (write_now.hpp).
#include "adapters/write_now.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>

namespace switchboard::adapters {

std::size_t write_now(net::ip::tcp::socket& socket, std::span<net::const_buffer const> buffers) {
    constexpr std::size_t max_pieces = 8; // the callers write a head and a body, or one chunk
    if (buffers.size() > max_pieces || !socket.is_open()) return 0;
    std::array<iovec, max_pieces> pieces{};
    for (std::size_t i = 0; i < buffers.size(); ++i)
        pieces[i] = {const_cast<void*>(buffers[i].data()), buffers[i].size()};
    msghdr message{};
    message.msg_iov = pieces.data();
    message.msg_iovlen = buffers.size();
    // MSG_DONTWAIT: never block, whatever the descriptor's mode; MSG_NOSIGNAL: a peer gone is
    // an error for the write after this one to report, not a SIGPIPE.
    auto const sent = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    return sent > 0 ? static_cast<std::size_t>(sent) : 0;
}

} // namespace switchboard::adapters
