// Carrying out the stream rules (domain::stream_commit) on real chunks and a real client.
#include "adapters/dispatch/stream_gate.hpp"

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
// `chunk` with its first choice's delta content replaced by `content`.
json::object with_content(json::object chunk, std::string const& content) {
    auto& choice = chunk["choices"].as_array().at(0).as_object();
    choice["delta"] = json::object{{"content", content}};
    choice["finish_reason"] = nullptr;
    return chunk;
}
} // namespace

void stream_gate::attempt(domain::deployment const& d, resume_mode mode) {
    current_ = d;
    held_role_.reset();
    rules_.attempt(mode);
}

net::awaitable<bool> stream_gate::on_chunk(json::object chunk) {
    using kind = domain::stream_commit::decision::kind;
    if (gone_ || rules_.rejected()) co_return false;
    auto facts = domain::chunk_facts_of(chunk);
    auto d = rules_.on_chunk(facts);
    switch (d.what) {
    case kind::hold:
        held_role_ = std::move(chunk); // the opening role chunk: sent with the first content
        co_return true;
    case kind::skip:
        co_return true;
    case kind::reject:
        co_return false;
    case kind::commit: {
        std::optional<json::object> role = std::move(held_role_);
        held_role_.reset();
        if (!co_await client_.begin(current_, std::move(role))) {
            gone_ = true;
            co_return false;
        }
        co_return co_await forward(std::move(chunk), facts.text);
    }
    case kind::forward:
        co_return co_await forward(std::move(chunk), facts.text);
    case kind::resumed:
        co_return co_await resume(std::move(chunk), d.remainder, d.other);
    }
    co_return true;
}

net::awaitable<bool> stream_gate::forward(json::object chunk, std::string const& text) {
    rules_.sent(text);
    bool const ok = co_await client_.on_chunk(std::move(chunk));
    gone_ = !ok;
    co_return ok;
}

// The first verified chunk of a regenerated answer: the text past what the client has, then
// what else the chunk carried (a finish reason) without the text already covered.
net::awaitable<bool> stream_gate::resume(json::object chunk, std::string const& remainder, bool other) {
    if (!remainder.empty()) {
        if (!co_await forward(with_content(chunk, remainder), remainder)) co_return false;
    }
    if (!other) co_return true;
    auto& choice = chunk["choices"].as_array().at(0).as_object();
    choice["delta"] = json::object{};
    co_return co_await forward(std::move(chunk), {});
}

} // namespace switchboard::adapters
