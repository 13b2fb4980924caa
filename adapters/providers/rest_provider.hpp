#pragma once
// A plain REST API as a provider (kind: rest): it serves the service endpoints it implements
// (a request filled from the call's parameters, an answer mapped to the endpoint's output) and
// relays passthrough calls on its allow-listed paths. Its credentials are added to every request
// and never leave it; redirects are never followed (a 3xx is an unusable answer); an answer
// of another media type than JSON (services) or than the provider's `content_types`
// (passthrough) is unusable. Chat, streams and embeddings are `unsupported`.
#include "adapters/provider.hpp"
#include "adapters/providers/provider_settings.hpp"
#include "adapters/upstream/http_client.hpp"

#include <memory>

namespace switchboard::adapters {

class rest_provider final : public provider {
  public:
    rest_provider(provider_settings settings, std::unique_ptr<http_client> client)
        : settings_(std::move(settings)), client_(std::move(client)) {}

    net::awaitable<attempt_result<rest_answer>> rest(rest_call const& call, std::string_view operation,
                                                     attempt_context const& ctx) override;
    net::awaitable<attempt_result<domain::chat_completion>> chat(domain::chat_request const&, std::string_view,
                                                                 attempt_context const&) override;
    net::awaitable<attempt_result<stream_result>> chat_stream(domain::chat_request const&, std::string_view,
                                                              attempt_context const&, chat_stream_sink&) override;
    net::awaitable<attempt_result<domain::embedding_result>> embed(domain::embedding_request const&, std::string_view,
                                                                   attempt_context const&) override;
    // A GET of the base URL: any answer below 500 is a provider that answers.
    net::awaitable<attempt_result<void>> probe(attempt_context const& ctx) override;

  private:
    // The request with the provider's headers and credentials added.
    upstream_request prepared(std::string method, std::string target, std::string body) const;
    attempt_result<rest_answer> service_answer(domain::rest::implementation const& impl,
                                               upstream_response const& response, bool conditional) const;
    attempt_result<rest_answer> passthrough_answer(upstream_response response) const;
    domain::attempt_error failed(upstream_response const& response) const;

    provider_settings settings_;
    std::unique_ptr<http_client> client_;
};

} // namespace switchboard::adapters
