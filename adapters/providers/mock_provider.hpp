#pragma once
// The built-in `mock` provider: deterministic answers (domain/mock_model.hpp), no network.
// It is the zero-config default and the reference implementation of the streaming entry point.
#include "adapters/provider.hpp"

namespace switchboard::adapters {

class mock_provider final : public provider {
  public:
    net::awaitable<attempt_result<domain::chat_completion>>
    chat(domain::chat_request const&, std::string_view, attempt_context const&) override;
    net::awaitable<attempt_result<stream_result>> chat_stream(domain::chat_request const&,
                                                                    std::string_view, attempt_context const&,
                                                                    chat_stream_sink&) override;
    net::awaitable<attempt_result<domain::embedding_result>>
    embed(domain::embedding_request const&, std::string_view, attempt_context const&) override;
    net::awaitable<attempt_result<void>> probe(attempt_context const&) override; // always healthy
};

} // namespace switchboard::adapters
