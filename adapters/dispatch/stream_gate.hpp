#pragma once
// Between a provider's stream and the client.
//
// Before the first content: nothing reaches the client until the first chunk with content (text,
// a tool call, a refusal or a finish) — the opening role chunk is held until then — so any failure
// before it can move to the next deployment unseen. From that chunk on the stream is committed.
//
// After a commit, a failed stream may be resumed on another deployment (resume modes):
//  - prefill: the deployment continues a final assistant message holding the text sent so far;
//    its chunks are forwarded as they come (its role chunk dropped);
//  - regenerate: the deployment answers from scratch; its text is held back and compared with
//    what was sent, and the stream continues past that point only if it begins with exactly that
//    text. Otherwise the attempt is `rejected` (reading stops) and the original failure stands.
#include "adapters/dispatch/dispatcher.hpp"
#include "domain/call/call_machine.hpp"
#include "domain/stream_commit.hpp"

#include <optional>

namespace switchboard::adapters {

using resume_mode = domain::call::resume_mode;

class stream_gate final : public chat_stream_sink {
  public:
    explicit stream_gate(stream_client& client) : client_(client) {}

    // A new attempt on `d`; after a commit, `mode` says how it resumes the answer.
    void attempt(domain::deployment const& d, resume_mode mode);
    net::awaitable<bool> on_chunk(boost::json::object chunk) override;

    bool committed() const { return rules_.committed(); }
    bool client_gone() const { return gone_; }
    bool rejected() const { return rules_.rejected(); } // the latest attempt's regenerated answer differed
    resume_mode mode() const { return rules_.mode(); }
    std::string const& text() const { return rules_.text(); } // content sent to the client so far
    // Called when a resumed attempt's stream ended: a regeneration still unverified is rejected.
    void attempt_ended() { rules_.attempt_ended(); }

  private:
    net::awaitable<bool> forward(boost::json::object chunk, std::string const& text);
    net::awaitable<bool> resume(boost::json::object chunk, std::string const& remainder, bool other);

    stream_client& client_;
    domain::deployment current_;
    domain::stream_commit rules_;
    std::optional<boost::json::object> held_role_;
    bool gone_ = false;
};

} // namespace switchboard::adapters
