#pragma once
// gzip for whole responses (never streams: a stream's chunks go out as they come). A body is
// compressed when the client's Accept-Encoding takes gzip, its media type is text-like (JSON,
// text, JavaScript, SVG), it is at least `min_bytes` long and not already encoded, and the status
// carries content; the result is kept only if smaller. A compressed answer says
// `Content-Encoding: gzip`, its strong ETag becomes weak (another representation of the same
// content, as nginx does), and every text-like answer says `Vary: Accept-Encoding`.
#include "adapters/http/error_response.hpp"
#include "adapters/http/request_handler.hpp"

#include <cstddef>

namespace switchboard::adapters {

struct compression_options {
    std::size_t min_bytes = 1024; // 0: never compress
    int level = 1;                // zlib's 1 (fastest) … 9 (smallest)
};

void compress_response(http_request const& request, http_response& response, compression_options const& options);

} // namespace switchboard::adapters
