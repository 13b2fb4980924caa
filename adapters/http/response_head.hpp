#pragma once
// The status line and header block of a whole (not streamed) response, serialised by hand.
//
// Beast's serializer walks the field list as a chain of buffer views and costs more per
// response than the rest of a request's gateway work put together (measured with callgrind in
// docs/PERFORMANCE.md); a response is written as this head and its body, two buffers, one write.
// Sets Content-Length from the body when the response has neither it nor chunked framing.
//
// Every head ends with the same security fields, written as one constant (four fields set one
// by one cost more than the rest of the head): the API serves JSON only, so the CSP forbids
// everything; frames and MIME sniffing are off, and no Referer leaks our URLs. A handler that
// needs another policy (an HTML page) must not set these fields itself: it would send two.
#include "adapters/http/request_handler.hpp"

#include <string>

namespace switchboard::adapters {

std::string response_head(http_response& response);

} // namespace switchboard::adapters
