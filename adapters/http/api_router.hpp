#pragma once
// Routes the public API to the dispatcher: the OpenAI-compatible surface under /v1 and the
// native liveness probe. Owns request parsing (JSON + domain validation), request hints and the
// response headers that tell clients what happened (x-switchboard-*).
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/http/request_handler.hpp"

namespace switchboard::adapters {

class api_router final : public request_handler {
  public:
    explicit api_router(dispatcher& dispatch) : dispatch_(dispatch) {}
    net::awaitable<http_response> handle(http_request& request, std::string const& request_id) override;
    void decorate(http_response& response) const override;

  private:
    net::awaitable<http_response> chat_completions(http_request& request, std::string const& request_id);
    net::awaitable<http_response> embeddings(http_request& request, std::string const& request_id);
    http_response models(http_request const& request, std::string const& request_id) const;

    dispatcher& dispatch_;
};

} // namespace switchboard::adapters
