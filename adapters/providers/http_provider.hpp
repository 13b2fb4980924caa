#pragma once
// Shared base of the providers that speak HTTP: owns the per-core http_client and settings.
// The concrete adapters below translate requests and responses for their wire format.

#include "adapters/provider.hpp"
#include "adapters/providers/provider_settings.hpp"
#include "adapters/upstream/http_client.hpp"
#include "domain/chat_stream.hpp"

#include <memory>

namespace switchboard::adapters {

class http_provider : public provider {
  public:
    http_provider(provider_settings settings, std::unique_ptr<http_client> client)
        : settings_(std::move(settings)), client_(std::move(client)) {}

    // POSTs the kind's streaming request and translates its SSE events (stream_exchange.cpp).
    net::awaitable<attempt_result<stream_result>> chat_stream(domain::chat_request const& request,
                                                              std::string_view upstream_model,
                                                              attempt_context const& ctx,
                                                              chat_stream_sink& sink) override;
    // GET of the provider's model list with the gateway's credentials.
    net::awaitable<attempt_result<void>> probe(attempt_context const& ctx) override;

    using headers_t = std::vector<std::pair<std::string, std::string>>;

  protected:
    // What the kind sends to stream a chat, and how it reads the answer.
    // (The request is built here and sent as it is, not copied into another; on the heap, as
    // chat_stream's frame lasts as long as the stream and the request only until it is sent.)
    struct stream_request {
        stream_request(std::string target, std::string body, domain::stream_format f)
            : request(std::make_unique<upstream_request>()), format(f) {
            request->target = std::move(target);
            request->body = std::move(body); // serialised JSON
        }
        std::unique_ptr<upstream_request> request; // POST; chat_stream adds the headers
        domain::stream_format format;
    };
    virtual stream_request streaming(domain::chat_request const& request, std::string_view upstream_model) const = 0;
    virtual domain::attempt_error parse_error(int status, std::string_view body) const = 0;
    // The provider's credential headers plus the configured extra headers.
    virtual headers_t headers() const = 0;
    // An error answer turned into an attempt error: the provider's requested wait added, and the
    // gateway's API key removed from the provider's text (some providers quote the key).
    domain::attempt_error failed(domain::attempt_error e, upstream_response const& response) const;

    provider_settings settings_;
    std::unique_ptr<http_client> client_;
};

// Kind-specific adapters.
class openai_provider final : public http_provider {
  public:
    using http_provider::http_provider;
    net::awaitable<attempt_result<domain::chat_completion>>
    chat(domain::chat_request const&, std::string_view, attempt_context const&) override;
    net::awaitable<attempt_result<domain::embedding_result>>
    embed(domain::embedding_request const&, std::string_view, attempt_context const&) override;

  private:
    headers_t headers() const override;
    stream_request streaming(domain::chat_request const&, std::string_view) const override;
    domain::attempt_error parse_error(int status, std::string_view body) const override;
};

class anthropic_provider final : public http_provider {
  public:
    using http_provider::http_provider;
    net::awaitable<attempt_result<domain::chat_completion>>
    chat(domain::chat_request const&, std::string_view, attempt_context const&) override;
    net::awaitable<attempt_result<domain::embedding_result>>
    embed(domain::embedding_request const&, std::string_view, attempt_context const&) override;

  private:
    headers_t headers() const override;
    stream_request streaming(domain::chat_request const&, std::string_view) const override;
    domain::attempt_error parse_error(int status, std::string_view body) const override;
};

class gemini_provider final : public http_provider {
  public:
    using http_provider::http_provider;
    net::awaitable<attempt_result<domain::chat_completion>>
    chat(domain::chat_request const&, std::string_view, attempt_context const&) override;
    net::awaitable<attempt_result<domain::embedding_result>>
    embed(domain::embedding_request const&, std::string_view, attempt_context const&) override;

  private:
    headers_t headers() const override;
    stream_request streaming(domain::chat_request const&, std::string_view) const override;
    domain::attempt_error parse_error(int status, std::string_view body) const override;
};

} // namespace switchboard::adapters
