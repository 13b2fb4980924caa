#pragma once
// Request-framing checks Beast's parser does not make on its own, against request smuggling
// (RFC 9112 §5.2, §6, §7.1): a header line folded onto the previous one (obs-fold, which Beast
// would silently unfold); a Transfer-Encoding that is not exactly "chunked" (whose body length a
// proxy in front and this server could read differently); a chunked body whose size or trailer
// lines end in a bare LF (which Beast waits on until the body timeout); the Host header count.
// Pure functions over raw bytes: no I/O.
#include <cstdint>
#include <string_view>

namespace switchboard::adapters {

// `header_block`: the raw request line and header lines, up to and including the blank line.
bool has_obs_fold(std::string_view header_block);

// Whether a request's Transfer-Encoding value ends with the "chunked" coding.
bool ends_with_chunked(std::string_view transfer_encoding);

enum class transfer_codings {
    chunked,    // exactly one coding, "chunked": the only framing this server reads
    malformed,  // chunked not last, chunked twice, an empty or parameterised coding → 400
    unsupported // a coding before chunked that this server does not implement (gzip…) → 501
};
// `value`: every Transfer-Encoding field of the request, joined with ",".
transfer_codings check_transfer_codings(std::string_view value);

// Walks a chunked body as its bytes arrive and says when it is over or malformed. It checks the
// framing lines only (sizes, extensions, the CRLF after each chunk's data, trailer lines): a
// line that ends in a bare LF, a size that is not hex or longer than 16 digits, or data not
// followed by CRLF is `bad` at once. Bytes after the body's end are not looked at.
class chunked_body_scan {
  public:
    enum class verdict { more, done, bad };
    verdict feed(std::string_view bytes);

  private:
    enum class state { size, extension, size_lf, data, data_cr, data_lf, trailer_start, trailer, trailer_lf, end_lf, done, bad };
    state state_ = state::size;
    std::uint64_t remaining_ = 0;
    int digits_ = 0;
};

} // namespace switchboard::adapters
