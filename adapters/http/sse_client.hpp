#pragma once
// The client end of a streamed chat over HTTP: Server-Sent Events in OpenAI's format. The
// response head (200, text/event-stream, x-switchboard-provider/-model, CORS) and the opening
// (role) chunk go out in one write with the first content chunk; after that each chunk is one
// `data:` event written at once. The stream then ends
// with `data: [DONE]` (after the usage chunk when asked for) — or, when the call failed after
// content began, with an OpenAI-style error event and no [DONE], so no client mistakes a cut
// answer for a whole one.
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/http/cors.hpp"
#include "adapters/http/request_handler.hpp"

namespace switchboard::adapters {

class sse_client final : public stream_client {
  public:
    sse_client(response_stream& out, http_request const& request, std::string const& request_id,
               cors_policy const& cors)
        : out_(out), request_(request), request_id_(request_id), cors_(cors) {}

    net::awaitable<bool> begin(domain::deployment const& served, std::optional<boost::json::object> opening) override;
    net::awaitable<bool> on_chunk(boost::json::object chunk) override;

    // The end of a call that succeeded: the usage chunk when `usage` is set, then [DONE].
    net::awaitable<void> complete(std::optional<boost::json::object> usage);
    // The end of a call that failed after the stream began: an error event, no [DONE].
    net::awaitable<void> fail(domain::gateway_error const& error);

    bool started() const { return out_.opened(); }
    // A header of the stream's response besides its own (before begin()).
    void add_header(std::string name, std::string value) { extra_.emplace_back(std::move(name), std::move(value)); }

  private:
    response_stream& out_;
    http_request const& request_;
    std::string const& request_id_;
    cors_policy const& cors_;
    std::vector<std::pair<std::string, std::string>> extra_;
};

} // namespace switchboard::adapters
