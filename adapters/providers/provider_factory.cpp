// Provider construction by kind.
#include "adapters/providers/provider_factory.hpp"

#include "adapters/providers/http_provider.hpp"
#include "adapters/providers/mock_provider.hpp"
#include "adapters/providers/rest_provider.hpp"
#include "adapters/upstream/address_policy.hpp"

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace switchboard::adapters {

std::unique_ptr<provider> make_provider(provider_settings const& s, net::any_io_executor executor,
                                        net::ssl::context& tls) {
    auto const* kind = find_provider_kind(s.kind);
    if (!kind) throw std::invalid_argument("provider " + s.name + ": unknown kind " + s.kind);
    if (kind->wire == wire_format::mock) return std::make_unique<mock_provider>();
    auto where = parse_origin(s.base_url.empty() ? default_base_url(s.kind) : s.base_url);
    if (!where) throw std::invalid_argument("provider " + s.name + ": base_url " + where.error());
    http_client_options options;
    options.connect_timeout = s.connect_timeout;
    options.response_headers_timeout = s.response_headers_timeout;
    options.max_response_bytes = s.max_response_bytes;
    options.preconnect = s.preconnect;
    // A REST provider named by host is reached only at public addresses, unless it says otherwise;
    // an address literal or localhost in its base URL is where it was declared.
    options.public_addresses_only =
        kind->wire == wire_format::rest && public_addresses_only(where->host, s.allow_private_network);
    auto client = std::make_unique<http_client>(std::move(executor), tls, std::move(*where), options);
    switch (kind->wire) {
    case wire_format::openai:
        return std::make_unique<openai_provider>(s, std::move(client));
    case wire_format::anthropic:
        return std::make_unique<anthropic_provider>(s, std::move(client));
    case wire_format::gemini:
        return std::make_unique<gemini_provider>(s, std::move(client));
    case wire_format::rest:
        return std::make_unique<rest_provider>(s, std::move(client));
    case wire_format::mock:
        break;
    }
    throw std::invalid_argument("provider " + s.name + ": unknown kind " + s.kind);
}

} // namespace switchboard::adapters
