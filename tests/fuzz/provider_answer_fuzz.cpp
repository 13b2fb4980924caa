// libFuzzer target: whole answers and error bodies from providers, as each wire format reads
// them — the OpenAI answer scan and parser, Anthropic's and Gemini's translators (chat,
// embeddings, errors). Every answer is either a value or an error; none may crash.
#include "domain/anthropic_wire.hpp"
#include "domain/embedding_request.hpp"
#include "domain/gemini_wire.hpp"
#include "domain/json_checks.hpp"
#include "domain/openai_answer_scan.hpp"
#include "domain/openai_wire.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const body(reinterpret_cast<char const*>(data), size);
    auto const facts = scan_openai_answer(body);
    auto const parsed = parse_openai_chat_response(std::string(body));
    // The scan decides what is relayed: it must agree with the full parser on what is usable.
    if (facts.problem.empty() && !parsed) std::abort();
    (void)parse_openai_embedding_response(body);
    (void)parse_anthropic_response(body, 0);
    (void)parse_gemini_response(body, "m", "id", 0);
    if (auto input = parse_json(R"({"model":"m","input":["a","b"]})"))
        if (auto request = parse_embedding_request(std::move(*input)))
            (void)parse_gemini_embedding_response(body, "m", *request);
    for (int status : {400, 401, 404, 429, 500, 529}) {
        (void)parse_openai_error(status, body);
        (void)parse_anthropic_error(status, body);
        (void)parse_gemini_error(status, body);
    }
    return 0;
}
