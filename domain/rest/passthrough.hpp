#pragma once
// The passthrough (`/api/v1/proxy/{provider}/{path…}`): which raw paths may be relayed to a
// provider, and which headers a client may send along. Pure.
//
// A path is relayed only as the client wrote it (never decoded and re-encoded) and only when it
// cannot mean anything but what the allow-list shows: no "." or ".." segment, no empty segment,
// no percent-encoded '/', '\', '.' or NUL (a server that decodes them would see another path), no
// backslash, no byte below 0x21 or above 0x7E; and it starts with one of the provider's allowed
// prefixes, matched at a segment boundary ("/v1/quote" allows "/v1/quote" and "/v1/quote/…",
// not "/v1/quotes").
#include "domain/errors.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain::rest {

// `path` begins with '/'; `query` is what followed '?' (may be empty). Errors: invalid_request
// for a path that is not plain, forbidden for one outside the allow-list.
result<void> check_passthrough(std::string_view path, std::string_view query, std::vector<std::string> const& allowed);

// An allowed prefix as the config may give it: begins with '/', plain as above.
bool valid_passthrough_prefix(std::string_view prefix);

// Request headers a client's passthrough call may carry upstream (content negotiation and
// conditional requests); everything else — credentials above all — stays at the gateway.
bool relayed_request_header(std::string_view lower_name);
// Response headers relayed back (content and caching metadata; never Set-Cookie).
bool relayed_response_header(std::string_view lower_name);

} // namespace switchboard::domain::rest
