// libFuzzer target: a client's request body as the gateway validates it — the one-pass JSON
// parse with its repeated-key check (held against Boost.JSON's own parser), chat and embedding
// validation, the token estimate, and the translation of a valid request into each provider's
// wire format. Invalid input is an error value, never a crash; a request accepted once is
// accepted by every translator.
#include "domain/anthropic_wire.hpp"
#include "domain/chat_request.hpp"
#include "domain/embedding_request.hpp"
#include "domain/gemini_wire.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const body(reinterpret_cast<char const*>(data), size);
    // The one-pass parse the gateway uses agrees with Boost.JSON's own parser: the same tree when
    // there is no repeated key; JSON or not, alike. Trees are compared as text: a number like
    // 0e8800800 reads as NaN in both, and NaN != NaN.
    auto checked = parse_json_checked(body);
    auto json = parse_json(body);
    if (checked.problem == checked_json::flaw::not_json && json) std::abort();
    if (checked && (!json || boost::json::serialize(checked.value) != boost::json::serialize(*json))) std::abort();
    if (!json) return 0;
    if (auto chat = parse_chat_request(*json)) {
        (void)estimated_tokens(*chat);
        (void)openai_chat_body_text(*chat, "m", {"force_provider"}, R"("stream":true)");
        (void)anthropic_request(*chat, "m");
        (void)gemini_request(*chat);
        (void)with_max_tokens_scaled(*chat, 0.5);
        (void)with_assistant_prefill(*chat, "partial answer");
    }
    if (auto embed = parse_embedding_request(std::move(*json))) {
        (void)estimated_tokens(*embed);
        (void)openai_embedding_body(*embed, "m");
        (void)gemini_embedding_request(*embed, "m");
    }
    return 0;
}
