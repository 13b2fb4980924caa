// Prefix verification for deterministic resume.
#include "domain/stream_resume.hpp"

#include <algorithm>

namespace switchboard::domain {

prefix_verifier::verdict prefix_verifier::feed(std::string_view text, std::string& remainder) {
    remainder.clear();
    if (state_ != verdict::pending) {
        if (state_ == verdict::matched) remainder = std::string(text);
        return state_;
    }
    auto const want = std::min(text.size(), sent_.size() - matched_);
    if (std::string_view(sent_).substr(matched_, want) != text.substr(0, want)) return state_ = verdict::mismatch;
    matched_ += want;
    if (matched_ < sent_.size()) return state_;
    remainder = std::string(text.substr(want));
    return state_ = verdict::matched;
}

} // namespace switchboard::domain
