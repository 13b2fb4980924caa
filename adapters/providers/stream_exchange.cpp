// One streamed chat attempt over HTTP: POST, read SSE events as they arrive, translate them to
// OpenAI chunks and hand each to the sink at once. The attempt fails — and says how — when the
// provider answers an error status, sends an error event, stalls past the first-token deadline
// or the idle gap (timeout), or cuts the stream (reset). A stream that HTTP ends cleanly is a
// complete answer, with or without the provider's end marker.
#include "adapters/providers/http_provider.hpp"

#include "adapters/providers/json_exchange.hpp"
#include "domain/ascii.hpp"
#include "domain/redact.hpp"
#include "domain/sse.hpp"

#include <algorithm>
#include <memory>

namespace switchboard::adapters {
namespace {
using clock = std::chrono::steady_clock;

domain::attempt_error unusable_stream(std::string message) {
    return domain::attempt_error{domain::attempt_failure::bad_response, 0, std::move(message), {}, {}, {}};
}

class sse_reader final : public upstream_stream_reader {
  public:
    sse_reader(domain::chat_stream_translator& translator, chat_stream_sink& sink, attempt_context const& ctx)
        : translator_(translator), sink_(sink), ctx_(ctx) {}

    bool on_head(int status, std::vector<std::pair<std::string, std::string>> const& headers) override {
        if (!is_success(status)) { // kept for the error's parser; a stream's are not kept
            error_answer_ = std::make_unique<upstream_response>(upstream_response{status, headers, {}});
            return true;
        }
        // A success that is not an event stream (an HTML error page, plain JSON, an empty body)
        // holds no answer to relay: the attempt failed, and its body is not read.
        auto const type =
            std::find_if(headers.begin(), headers.end(), [](auto const& h) { return h.first == "content-type"; });
        not_event_stream_ = type == headers.end() || domain::media_type(type->second) != "text/event-stream";
        return !not_event_stream_;
    }

    net::awaitable<bool> on_body(std::string_view bytes) override {
        if (error_answer_) { // an error answer: keep its body (bounded) for the error parser
            auto& body = error_answer_->body;
            body.append(bytes.substr(0, std::min<std::size_t>(bytes.size(), 65536 - body.size())));
            co_return body.size() < 65536;
        }
        auto events = parser_.feed(bytes);
        if (!events) {
            event_error_ = std::make_unique<domain::attempt_error>(
                domain::attempt_error{domain::attempt_failure::bad_response, 0, "stream event larger than 1 MiB", {}, {}, {}});
            co_return false;
        }
        for (auto const& event : *events) {
            auto step = translator_.on_event(event);
            if (step.malformed) ++malformed_;
            if (step.error) {
                event_error_ = std::make_unique<domain::attempt_error>(std::move(*step.error));
                co_return false;
            }
            for (auto& chunk : step.chunks) {
                bool const open = co_await sink_.on_chunk(std::move(chunk));
                if (!open) {
                    client_gone_ = true;
                    co_return false;
                }
            }
        }
        co_return true;
    }

    clock::time_point next_read_deadline() override {
        if (!translator_.content_started()) return std::min(ctx_.deadline, ctx_.first_token_by);
        return std::min(ctx_.deadline, clock::now() + ctx_.idle_gap);
    }

    // Rare, off the frame that holds this reader: an error answer (status, headers, body) and an
    // error event.
    std::unique_ptr<upstream_response> error_answer_;
    std::unique_ptr<domain::attempt_error> event_error_;
    int malformed_ = 0;
    bool client_gone_ = false;
    bool not_event_stream_ = false;

  private:
    domain::chat_stream_translator& translator_;
    chat_stream_sink& sink_;
    attempt_context const& ctx_;
    domain::sse_parser parser_;
};
} // namespace

net::awaitable<attempt_result<stream_result>> http_provider::chat_stream(domain::chat_request const& request,
                                                                         std::string_view upstream_model,
                                                                         attempt_context const& ctx,
                                                                         chat_stream_sink& sink) {
    // This frame lasts as long as the stream: what is built before the exchange and read after it
    // is built and read by plain functions (lambdas called at once), whose locals stay off it.
    auto call = streaming(request, upstream_model);
    domain::chat_stream_translator translator(call.format, "chatcmpl-" + std::string(ctx.request_id),
                                              std::string(upstream_model), unix_now());
    sse_reader reader(translator, sink, ctx);
    call.request->headers = headers();
    call.request->headers.emplace_back("content-type", "application/json");
    call.request->headers.emplace_back("accept", "text/event-stream");
    add_request_context(*call.request, ctx);
    auto const ended = co_await client_->send_streaming(std::move(call.request), std::min(ctx.deadline, ctx.first_token_by),
                                                        reader, ctx.cancel);
    co_return [&]() -> attempt_result<stream_result> {
        // Cancelled (the client left): our own cut, not the provider's failure. What was
        // relayed is the result, billed as such.
        if (!ended && ended.error() == transport_failure::cancelled) reader.client_gone_ = true;
        if (!ended && !reader.client_gone_) return transport_error(ended.error());
        if (!reader.client_gone_ && reader.error_answer_) {
            auto const& response = *reader.error_answer_;
            return failed(parse_error(response.status, response.body), response);
        }
        if (!reader.client_gone_ && reader.event_error_) {
            auto e = std::move(*reader.event_error_);
            e.provider_message = domain::redact_secret(e.provider_message, settings_.api_key);
            return e;
        }
        if (!reader.client_gone_ && reader.not_event_stream_)
            return unusable_stream("The provider answered a stream request with something else than an event stream");
        // A stream that ended without a word or a finish is no answer, however HTTP ended it: the
        // attempt failed (the next deployment is tried; after a commit, the client gets an error).
        if (!reader.client_gone_ && !translator.content_started() && translator.finish_reason().empty())
            return unusable_stream("The provider's stream ended without any content");
        stream_result result;
        result.model = translator.model();
        result.finish_reason = translator.finish_reason();
        result.malformed_events = reader.malformed_;
        if (translator.usage() && translator.usage()->completion_tokens > 0) {
            result.usage = *translator.usage();
            if (result.usage.prompt_tokens == 0) result.usage.prompt_tokens = domain::estimated_prompt_tokens(request);
        } else {
            result.usage = {translator.usage() ? translator.usage()->prompt_tokens
                                               : domain::estimated_prompt_tokens(request),
                            domain::estimate_tokens(translator.text())};
        }
        return result;
    }();
}

} // namespace switchboard::adapters
