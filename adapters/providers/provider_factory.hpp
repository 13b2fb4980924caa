#pragma once
// Builds the adapter for a provider's kind. Called once per core by the composition root.
#include "adapters/provider.hpp"
#include "adapters/providers/provider_settings.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace switchboard::adapters {

// Kinds: openai, anthropic, gemini, mock. Settings are validated by the config loader first;
// an unknown kind or unparsable base_url here throws std::invalid_argument.
std::unique_ptr<provider> make_provider(provider_settings const& settings, net::any_io_executor executor,
                                        net::ssl::context& tls);

} // namespace switchboard::adapters
