// Printing the effective config: every secret masked (for --check-config and /api/v1/config).
// The same field lists the loader reads with (config_sections.hpp) render it.
#include "server/config.hpp"
#include "server/config_sections.hpp"

namespace switchboard::server {

boost::json::object describe(gateway_config const& c) {
    return describe_section(gateway_fields(), c);
}

} // namespace switchboard::server
