#pragma once
// Whether a client's Accept-Encoding (RFC 9110 §12.5.3) takes gzip: named (or `x-gzip`, or `*`)
// with a q-value above zero, and not refused by a more specific `gzip;q=0`. Malformed members are
// skipped; a header that cannot be read takes nothing. Pure.
#include <string_view>

namespace switchboard::domain {

bool accepts_gzip(std::string_view accept_encoding);

} // namespace switchboard::domain
