#pragma once
// The status line and header block of a whole (not streamed) response, serialised by hand.
//
// Beast's serializer walks the field list as a chain of buffer views and costs more per
// response than the rest of a request's gateway work put together (measured with callgrind in
// docs/PERFORMANCE.md); a response is written as this head and its body, two buffers, one write.
// Sets Content-Length from the body when the response has neither it nor chunked framing.
#include "adapters/http/request_handler.hpp"

#include <string>

namespace switchboard::adapters {

std::string response_head(http_response& response);

} // namespace switchboard::adapters
