#pragma once
// Request-framing checks Beast's parser does not make on its own, against request smuggling
// (RFC 9112 §5.2, §6.1): a header line folded onto the previous one (obs-fold, which Beast
// would silently unfold), and a Transfer-Encoding whose final coding is not "chunked" (whose
// body length a proxy in front and this server could read differently). Both → 400 and close.
#include <string_view>

namespace switchboard::adapters {

// `header_block`: the raw request line and header lines, up to and including the blank line.
bool has_obs_fold(std::string_view header_block);

// Whether a request's Transfer-Encoding value ends with the "chunked" coding.
bool ends_with_chunked(std::string_view transfer_encoding);

} // namespace switchboard::adapters
