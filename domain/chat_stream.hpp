#pragma once
// A provider's streamed answer, event by event, as OpenAI `chat.completion.chunk` objects.
//
// One translator per stream attempt reads the provider's SSE events in its own format:
//  - openai:    `data: {chunk}` … `data: [DONE]` (chunks re-stamped with the gateway's id);
//  - anthropic: message_start, content_block_start/delta/stop, message_delta, message_stop,
//               ping, error (text and tool_use blocks);
//  - gemini:    `streamGenerateContent?alt=sse`: each event a GenerateContentResponse; the last
//               carries finishReason and usageMetadata (there is no end marker).
// and keeps what the gateway must know: whether content has started (after that, failover can no
// longer be invisible), the text so far, the finish reason, the provider's usage, and whether the
// provider declared the answer complete. Usage is never left in the chunks: the gateway sends its
// own final usage chunk when the client asked for one. Pure; no I/O.
#include "domain/attempt_outcome.hpp"
#include "domain/pricing.hpp"
#include "domain/sse.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace switchboard::domain {

enum class stream_format { openai, anthropic, gemini };

// The final chunk of a stream for stream_options.include_usage: `choices: []` and `usage`.
boost::json::object stream_usage_chunk(std::string_view id, std::string_view model, std::int64_t created,
                                       token_usage const& usage);

struct stream_step {
    std::vector<boost::json::object> chunks; // to send, in order
    bool done = false;                       // the provider said the answer is complete
    std::optional<attempt_error> error;      // the provider sent an error event
    bool malformed = false;                  // an event that could not be understood (skipped)
};

class chat_stream_translator {
  public:
    chat_stream_translator(stream_format format, std::string id, std::string model, std::int64_t created);

    stream_step on_event(sse_event const& event);

    bool content_started() const { return content_started_; }
    std::string const& text() const { return text_; }
    std::string const& finish_reason() const { return finish_reason_; }
    bool complete() const { return done_; }
    std::optional<token_usage> const& usage() const { return usage_; }
    std::string const& model() const { return model_; }

    // A chunk of this stream: `delta` and `finish_reason` (null while unfinished).
    boost::json::object chunk(boost::json::object delta, boost::json::value finish_reason) const;
    // The final usage chunk of this stream (see stream_usage_chunk).
    boost::json::object usage_chunk(token_usage const& usage) const {
        return stream_usage_chunk(id_, model_, created_, usage);
    }

  private:
    stream_step openai_event(sse_event const& event);
    stream_step anthropic_event(sse_event const& event);
    stream_step gemini_event(sse_event const& event);
    void note_delta(boost::json::object const& delta);
    void role_once(stream_step& step);

    stream_format format_;
    std::string id_;
    std::string model_;
    std::int64_t created_;
    bool role_sent_ = false;
    bool content_started_ = false;
    bool done_ = false;
    std::string text_;
    std::string finish_reason_;
    std::optional<token_usage> usage_;
    int tool_calls_ = 0;          // tool calls opened so far (their OpenAI index)
    int anthropic_tool_block_ = -1; // the Anthropic content block index of the open tool call
};

// The error an Anthropic `error` event or an OpenAI/Gemini `{"error":…}` event stands for.
attempt_error stream_error(boost::json::object const& error_object, stream_format format);

} // namespace switchboard::domain
