// Request bodies already validated (known_bodies.hpp).
#include "adapters/cache/known_bodies.hpp"

namespace switchboard::adapters {

std::shared_ptr<known_bodies::entry const> known_bodies::find(std::string_view body) {
    auto const found = index_.find(body);
    if (found == index_.end()) return nullptr;
    used_.splice(used_.begin(), used_, found->second);
    return *found->second;
}

void known_bodies::keep(std::string_view body, std::shared_ptr<domain::chat_request const> chat,
                        std::string cache_namespace, std::string cache_key) {
    if (body.size() > limits_.max_body_bytes || !chat) return;
    if (auto const was = index_.find(body); was != index_.end()) {
        bytes_ -= cost_of((*was->second)->body.size());
        used_.erase(was->second);
        index_.erase(was);
    }
    auto const cost = cost_of(body.size());
    if (cost > limits_.max_bytes) return;
    while (!used_.empty() && bytes_ + cost > limits_.max_bytes) drop_oldest();
    auto kept = std::make_shared<entry const>(
        entry{std::string(body), std::move(chat), std::move(cache_namespace), std::move(cache_key)});
    used_.push_front(std::move(kept));
    index_.emplace(used_.front()->body, used_.begin());
    bytes_ += cost;
}

void known_bodies::drop_oldest() {
    auto const& oldest = used_.back();
    bytes_ -= cost_of(oldest->body.size());
    index_.erase(oldest->body);
    used_.pop_back();
}

known_bodies& known_bodies::this_core() {
    thread_local known_bodies memo;
    return memo;
}

} // namespace switchboard::adapters
