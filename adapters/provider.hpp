#pragma once
// The provider port: one upstream API (OpenAI-compatible, Anthropic, Gemini, mock…) seen as
// "send this chat/embedding request to this upstream model, within this deadline".
//
// Errors: every expected failure — connection refused or reset, timeout, an HTTP error status,
// an unparseable body, an unsupported operation — is returned as a domain::attempt_error value.
// Exceptions mean a bug. Thread safety: an instance belongs to one core (one io_context) and is
// not thread-safe; the composition root builds one set of providers per core.

#include "adapters/net.hpp"
#include "domain/attempt_outcome.hpp"
#include "domain/chat_request.hpp"
#include "domain/completion.hpp"
#include "domain/embedding_request.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <string_view>

namespace switchboard::adapters {

template <class T> using attempt_result = boost::system::result<T, domain::attempt_error>;

struct attempt_context {
    std::chrono::steady_clock::time_point deadline; // the attempt must end by then
    std::string_view request_id;                    // propagated upstream as X-Request-Id
    std::string_view traceparent = {};              // this attempt's W3C traceparent (its own span)
    std::string_view tracestate = {};               // passed on unchanged
};

// Receives a streamed completion as OpenAI `chat.completion.chunk` objects.
class chat_stream_sink {
  public:
    virtual ~chat_stream_sink() = default;
    // Returns false when the client is gone; the provider then stops reading upstream.
    virtual net::awaitable<bool> on_chunk(boost::json::object chunk) = 0;
};

class provider {
  public:
    virtual ~provider() = default;

    virtual net::awaitable<attempt_result<domain::chat_completion>> chat(domain::chat_request const& request,
                                                                         std::string_view upstream_model,
                                                                         attempt_context const& ctx) = 0;

    // Streaming entry point: chunks go to `sink`; returns the usage of the whole stream.
    virtual net::awaitable<attempt_result<domain::token_usage>>
    chat_stream(domain::chat_request const& request, std::string_view upstream_model,
                attempt_context const& ctx, chat_stream_sink& sink) = 0;

    virtual net::awaitable<attempt_result<domain::embedding_result>>
    embed(domain::embedding_request const& request, std::string_view upstream_model,
          attempt_context const& ctx) = 0;

    // A cheap call telling whether the provider answers the gateway's credentials (its model
    // list), for background health probes. Success or the failure, like any attempt.
    virtual net::awaitable<attempt_result<void>> probe(attempt_context const& ctx) = 0;
};

} // namespace switchboard::adapters
