// libFuzzer target: a named AI route's inputs from outside — the client's body (checked against
// the request schema, then filled into the Mustache prompt) and the model's answer (read against
// the response schema). Neither crashes nor hangs; a body the schema accepts always makes a chat
// request of the route's model with the prompt as its last message.
#include "domain/ai/ai_route.hpp"

#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>

namespace ai = switchboard::domain::ai;
namespace json = boost::json;

namespace {
ai::ai_route const& route() {
    static ai::ai_route const r = [] {
        ai::ai_route r;
        r.name = "fuzz";
        r.path = "/api/fuzz";
        r.model = "m";
        r.request_schema = ai::json_schema::compile(json::parse(
                                                        R"({"type":"object","required":["q"],"properties":{
                                                            "q":{"type":"string","maxLength":100,"pattern":"^[a-z ]*$"},
                                                            "tags":{"type":"array","items":{"type":"string"},"maxItems":5},
                                                            "n":{"type":"integer","minimum":0}}})"))
                               .value();
        r.prompt = ai::prompt_template::compile("Q: {{q}} {{#tags}}[{{.}}]{{/tags}} {{^n}}none{{/n}}{{n}}").value();
        r.response_schema = ai::json_schema::compile(json::parse(
                                                         R"({"type":"array","items":{"type":"object","required":["name"]}})"))
                                .value();
        return r;
    }();
    return r;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const parts = switchboard::fuzzing::split_at_nuls<2>(text);
    boost::system::error_code ec;
    auto const body = json::parse(parts[0], ec);
    if (!ec) {
        auto chat = ai::chat_body_of(route(), body);
        if (chat) {
            if (chat->at("model").as_string() != "m") std::abort();
            auto const& messages = chat->at("messages").as_array();
            if (messages.empty() || !messages.back().at("content").as_string().starts_with("Q: ")) std::abort();
        }
    }
    auto read = ai::read_model_answer(route(), parts[1]);
    if (read.ok() && !read.value.is_array()) std::abort();
    return 0;
}
