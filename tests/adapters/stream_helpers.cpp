// OpenAI-format streams for tests.
#include "stream_helpers.hpp"

#include "domain/sse.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::testing {
namespace json = boost::json;
using piece = canned_reply::piece;

std::string stream_body(std::string const& model, std::string const& text, bool usage) {
    return R"({"model":")" + model + R"(","stream":true,)" +
           (usage ? R"("stream_options":{"include_usage":true},)" : "") +
           R"("messages":[{"role":"user","content":")" + text + R"("}]})";
}

std::string openai_chunk(std::string const& content, std::string const& finish) {
    json::object delta;
    if (!content.empty()) delta["content"] = content;
    json::object chunk{{"id", "up"},
                       {"object", "chat.completion.chunk"},
                       {"model", "up-model"},
                       {"choices", json::array{json::object{{"index", 0},
                                                            {"delta", delta},
                                                            {"finish_reason", finish.empty() ? json::value(nullptr)
                                                                                             : json::value(finish)}}}}};
    return domain::sse_data(json::serialize(chunk));
}

std::string openai_role() {
    return domain::sse_data(
        R"({"id":"up","object":"chat.completion.chunk","model":"up-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})");
}

std::vector<piece> openai_stream(std::vector<std::string> const& words, bool done) {
    std::vector<piece> out{{openai_role()}};
    for (auto const& w : words) out.push_back({openai_chunk(w)});
    out.push_back({openai_chunk("", "stop")});
    out.push_back({domain::sse_data(R"({"id":"up","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":)" +
                                    std::to_string(words.size()) + R"(,"total_tokens":)" +
                                    std::to_string(11 + words.size()) + "}}")});
    if (done) out.push_back({domain::sse_data("[DONE]")});
    return out;
}

received read_stream(client_response const& res) {
    received r;
    r.status = res.status;
    if (res.header("content-type").find("text/event-stream") != 0) return r;
    domain::sse_parser parser;
    auto const events = parser.feed(res.body).value();
    for (auto const& e : events) {
        if (e.data == "[DONE]") {
            r.done = true;
            continue;
        }
        auto o = json::parse(e.data).as_object();
        if (o.contains("error")) {
            r.error = o;
            continue;
        }
        if (o.contains("usage")) r.usage = o.at("usage").as_object();
        for (auto const& c : o.at("choices").as_array()) {
            auto const& d = c.at("delta").as_object();
            if (d.contains("role")) ++r.role_chunks;
            if (auto const* t = d.if_contains("content"); t && t->is_string()) r.content += t->as_string();
            if (auto const& f = c.at("finish_reason"); f.is_string()) r.finish_reason = f.as_string();
        }
        r.chunks.push_back(std::move(o));
    }
    return r;
}


} // namespace switchboard::testing
