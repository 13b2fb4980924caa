#pragma once
// The OpenAPI 3.1 document of the API (docs/openapi.json), compiled into the binary at build time
// and served as it is at GET /api/v1/openapi.json.
#include <string_view>

namespace switchboard::adapters {

std::string_view openapi_document();

} // namespace switchboard::adapters
