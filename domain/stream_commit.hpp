#pragma once
// The rules between a provider's stream and the client, pure (adapters/dispatch/stream_gate
// carries them out on real chunks and a real client):
//
// - what a chunk says (chunk_facts): its delta text, and whether it carries anything else — a
//   tool call, a refusal, a function call, a finish reason. A chunk with either is substantive;
//   the one place that decides it, for the gate and for the stream translators.
// - before the first substantive chunk nothing reaches the client (the opening role chunk is
//   held), so a failure falls back unseen; that chunk commits the stream.
// - after a commit, a new attempt resumes it: prefill forwards the continuation (its role chunk
//   skipped); regenerate holds the text back until it is verified to begin with exactly what was
//   sent (prefix_verifier), then forwards only what is new — or rejects the attempt.
#include "domain/call/call_machine.hpp"
#include "domain/stream_resume.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace switchboard::domain {

struct chunk_facts {
    std::string text;   // the delta content of every choice
    bool other = false; // a tool call, refusal, function call or finish reason
    bool substantive() const { return !text.empty() || other; }
};

// A delta's own substance (no finish reason: that is the choice's).
chunk_facts delta_facts(boost::json::object const& delta);
// A chat.completion.chunk's: every choice's delta, plus finish reasons.
chunk_facts chunk_facts_of(boost::json::object const& chunk);

class stream_commit {
  public:
    using resume_mode = call::resume_mode;

    struct decision {
        enum class kind {
            hold,    // keep it back (the opening role chunk, sent with the first content)
            skip,    // drop it (a resumed attempt's role chunk; text the client already has)
            commit,  // the first content: begin the client's stream (with the held chunk), then forward
            forward, // send it as it is
            resumed, // verified: send `remainder` as text (if any), then the chunk's non-text part (if `other`)
            reject   // the regenerated answer departs from what was sent: stop reading this attempt
        } what = kind::skip;
        std::string remainder;
        bool other = false;
    };

    // A new attempt; after a commit, `mode` says how it resumes the answer.
    void attempt(resume_mode mode);
    decision on_chunk(chunk_facts const& f);
    // The text of a chunk that reached the client.
    void sent(std::string_view text) { text_ += text; }
    // The attempt's stream ended: a regeneration still unverified is rejected.
    void attempt_ended();

    bool committed() const { return committed_; }
    bool rejected() const { return rejected_; }
    resume_mode mode() const { return mode_; }
    std::string const& text() const { return text_; }

  private:
    decision verify(chunk_facts const& f);

    resume_mode mode_ = resume_mode::none;
    std::optional<prefix_verifier> verifier_;
    bool committed_ = false;
    bool rejected_ = false;
    std::string text_;
};

} // namespace switchboard::domain
