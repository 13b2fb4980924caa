// libFuzzer target: a provider's stream as the gateway reads it — the SSE parser fed in pieces
// whose sizes the input chooses, and every event through the translator of each wire format
// (OpenAI, Anthropic, Gemini). Nothing may crash, hang or grow past the event size limit.
#include "domain/chat_stream.hpp"
#include "domain/sse.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t const piece = 1 + data[0] % 64; // the network's split, chosen by the input
    std::string_view bytes(reinterpret_cast<char const*>(data) + 1, size - 1);
    sse_parser parser(4096);
    chat_stream_translator translators[] = {{stream_format::openai, "id", "m", 0},
                                            {stream_format::anthropic, "id", "m", 0},
                                            {stream_format::gemini, "id", "m", 0}};
    while (!bytes.empty()) {
        auto const events = parser.feed(bytes.substr(0, piece));
        bytes.remove_prefix(std::min(piece, bytes.size()));
        if (!events) return 0; // over the size limit: the stream is refused
        for (auto const& e : *events) {
            if (e.data.size() > 4096 + 64) std::abort(); // the limit held
            for (auto& t : translators) {
                auto step = t.on_event(e);
                if (step.done && !t.complete()) std::abort();
            }
        }
    }
    return 0;
}
