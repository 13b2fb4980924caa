#pragma once
// The provider port: one upstream API (OpenAI-compatible, Anthropic, Gemini, mock…) seen as
// "send this chat/embedding request to this upstream model, within this deadline".
//
// Cancellation: `attempt_context::cancel` is the client's departure (Asio per-operation
// cancellation). An implementation binds it to each upstream operation it waits on; a terminal
// cancellation aborts the pending one at once, and the attempt returns what it returns for a cut
// connection — or, a stream with content already relayed, its partial result, which the runner
// bills as such.
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

#include <boost/asio/cancellation_signal.hpp>
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
    // Streams only: the first content must arrive by `first_token_by`; after it, no gap between
    // two reads may pass `idle_gap`. Either expiry ends the attempt as a timeout.
    std::chrono::steady_clock::time_point first_token_by = std::chrono::steady_clock::time_point::max();
    std::chrono::milliseconds idle_gap{15000};
    net::cancellation_slot cancel = {}; // bound to each upstream operation; unconnected: nobody watches
};

// A call to a REST provider (kind: rest): a service endpoint's parameters, which the provider's
// implementation of that endpoint turns into its request, or a passthrough relayed as it came.
struct rest_call {
    boost::json::object const* params = nullptr; // a service call: the validated parameters
    // A passthrough (operation `passthrough_operation`): the client's method, raw path and query
    // (checked against the provider's allow-list), body and the headers it may relay.
    std::string_view method;
    std::string_view path_and_query;
    std::string_view body;
    std::vector<std::pair<std::string, std::string>> const* headers = nullptr;
    // A service call revalidating a cached answer: If-None-Match with `etag`, sent only to the
    // provider that gave it (`provider`); a 304 from it is the answer.
    std::string_view revalidate_provider;
    std::string_view etag;
};
inline constexpr std::string_view passthrough_operation = "proxy";

// A REST provider's answer: the endpoint's declared output (a service) or the provider's own
// body (a passthrough), what it cost, and the response headers the client may see.
struct rest_answer {
    int status = 200;
    std::string payload;
    std::vector<std::pair<std::string, std::string>> headers; // lower-case names
    double cost_usd = 0;       // by the provider's price rule
    std::string validator;     // a service answer's upstream ETag (kept with a cached answer)
    std::string cache_control; // a service answer's upstream Cache-Control
    domain::token_usage usage; // none: a REST call counts as one request and its dollars
    std::string model;         // the operation (the dispatcher names it)
};

// Receives a streamed completion as OpenAI `chat.completion.chunk` objects (usage never in them).
class chat_stream_sink {
  public:
    virtual ~chat_stream_sink() = default;
    // Returns false when the client is gone; the provider then stops reading upstream.
    virtual net::awaitable<bool> on_chunk(boost::json::object chunk) = 0;
};

// How a stream that did not fail ended.
struct stream_result {
    domain::token_usage usage; // the provider's, else estimated
    std::string model;         // as the provider named it
    std::string finish_reason; // empty when the stream ended without one
    int malformed_events = 0;  // skipped
};

class provider {
  public:
    virtual ~provider() = default;

    virtual net::awaitable<attempt_result<domain::chat_completion>> chat(domain::chat_request const& request,
                                                                         std::string_view upstream_model,
                                                                         attempt_context const& ctx) = 0;

    // Streaming entry point: chunks go to `sink`; returns the usage of the whole stream.
    // Errors: as chat(); a stream cut or stalled is `reset` / `timeout`, an error event is
    // `upstream_status` with the status it stands for. Whether content already reached the sink
    // is the sink's to know.
    virtual net::awaitable<attempt_result<stream_result>>
    chat_stream(domain::chat_request const& request, std::string_view upstream_model,
                attempt_context const& ctx, chat_stream_sink& sink) = 0;

    virtual net::awaitable<attempt_result<domain::embedding_result>>
    embed(domain::embedding_request const& request, std::string_view upstream_model,
          attempt_context const& ctx) = 0;

    // A REST call (`operation`: a service endpoint's route, "weather/current", or
    // `passthrough_operation`). Only REST providers have it; the others answer `unsupported`.
    virtual net::awaitable<attempt_result<rest_answer>> rest(rest_call const& call, std::string_view operation,
                                                             attempt_context const& ctx);

    // A cheap call telling whether the provider answers the gateway's credentials (its model
    // list), for background health probes. Success or the failure, like any attempt.
    virtual net::awaitable<attempt_result<void>> probe(attempt_context const& ctx) = 0;
};

} // namespace switchboard::adapters
