// Stream commit, hold and verify rules.
#include "domain/stream_commit.hpp"

namespace switchboard::domain {
namespace json = boost::json;

chunk_facts delta_facts(json::object const& delta) {
    chunk_facts f;
    if (auto const* c = delta.if_contains("content"); c && c->is_string()) f.text = c->as_string();
    if (auto const* t = delta.if_contains("tool_calls"); t && t->is_array() && !t->as_array().empty()) f.other = true;
    if (auto const* r = delta.if_contains("refusal"); r && r->is_string() && !r->as_string().empty()) f.other = true;
    if (auto const* fc = delta.if_contains("function_call"); fc && fc->is_object()) f.other = true;
    return f;
}

chunk_facts chunk_facts_of(json::object const& chunk) {
    chunk_facts f;
    auto const* choices = chunk.if_contains("choices");
    if (!choices || !choices->is_array()) return f;
    for (auto const& c : choices->as_array()) {
        if (!c.is_object()) continue;
        auto const& choice = c.as_object();
        if (auto const* r = choice.if_contains("finish_reason"); r && r->is_string()) f.other = true;
        auto const* d = choice.if_contains("delta");
        if (!d || !d->is_object()) continue;
        auto const one = delta_facts(d->as_object());
        f.text += one.text;
        f.other = f.other || one.other;
    }
    return f;
}

void stream_commit::attempt(resume_mode mode) {
    rejected_ = false;
    mode_ = committed_ ? mode : resume_mode::none;
    verifier_.reset();
    if (mode_ == resume_mode::regenerate) verifier_.emplace(text_);
}

void stream_commit::attempt_ended() {
    if (mode_ == resume_mode::regenerate && verifier_ && verifier_->end() != prefix_verifier::verdict::matched)
        rejected_ = true;
}

stream_commit::decision stream_commit::on_chunk(chunk_facts const& f) {
    using kind = decision::kind;
    if (!committed_) {
        if (!f.substantive()) return {kind::hold};
        committed_ = true;
        return {kind::commit};
    }
    if (mode_ == resume_mode::regenerate) return verify(f);
    return {f.substantive() ? kind::forward : kind::skip};
}

stream_commit::decision stream_commit::verify(chunk_facts const& f) {
    using kind = decision::kind;
    using verdict = prefix_verifier::verdict;
    if (!f.substantive()) return {kind::skip};
    std::string remainder;
    auto v = verifier_->feed(f.text, remainder);
    if (v == verdict::pending && f.other) v = verifier_->end(); // a finish or tool call before the prefix
    if (v == verdict::mismatch) {
        rejected_ = true;
        return {kind::reject};
    }
    if (v == verdict::pending) return {kind::skip}; // held back: the client already has this text
    mode_ = resume_mode::none;                     // verified: from here on, forward as usual
    if (remainder.empty() && !f.other) return {kind::skip};
    return {kind::resumed, std::move(remainder), f.other};
}

} // namespace switchboard::domain
