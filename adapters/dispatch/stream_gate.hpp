#pragma once
// Between a provider's stream and the client: nothing reaches the client until the first chunk
// with content (text, a tool call, a refusal or a finish) — the role chunk that opens every
// stream is held until then — so any failure before it can move to the next deployment without
// the client seeing a thing. From that chunk on the stream is committed: a failure can no longer
// be hidden, and the dispatcher stops trying others.
#include "adapters/dispatch/dispatcher.hpp"

#include <optional>

namespace switchboard::adapters {

class stream_gate final : public chat_stream_sink {
  public:
    explicit stream_gate(stream_client& client) : client_(client) {}

    // A new attempt on `d`: what the previous one held back is dropped.
    void attempt(domain::deployment const& d) {
        current_ = d;
        held_role_.reset();
    }
    net::awaitable<bool> on_chunk(boost::json::object chunk) override;

    bool committed() const { return committed_; }
    bool client_gone() const { return gone_; }
    std::string const& text() const { return text_; } // content sent to the client so far

  private:
    stream_client& client_;
    domain::deployment current_;
    std::optional<boost::json::object> held_role_;
    bool committed_ = false;
    bool gone_ = false;
    std::string text_;
};

} // namespace switchboard::adapters
