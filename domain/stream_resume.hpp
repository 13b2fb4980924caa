#pragma once
// Deterministic resume: a stream cut after some text was sent may continue on another
// deployment that regenerates the answer from scratch — only if the regenerated text begins with
// exactly what the client already has. The verifier is fed the regenerated text piece by piece:
// `pending` while it is still a prefix of what was sent, `matched` once it covers all of it
// (`remainder` then holds the new text past that point), `mismatch` as soon as it departs.
// Pure.
#include <string>
#include <string_view>

namespace switchboard::domain {

class prefix_verifier {
  public:
    enum class verdict { pending, matched, mismatch };
    explicit prefix_verifier(std::string sent) : sent_(std::move(sent)) {}

    verdict feed(std::string_view text, std::string& remainder);
    // The regenerated answer ended (finish, or a non-text part) before covering what was sent.
    verdict end() const { return state_ == verdict::matched ? state_ : verdict::mismatch; }

  private:
    std::string sent_;
    std::size_t matched_ = 0;
    verdict state_ = verdict::pending;
};

} // namespace switchboard::domain
