// libFuzzer target: the response-head writer. Whatever header names and values a response holds
// (a client's text copied into one included), the head it writes is one status line, whole
// header lines and one blank line at its end: it can never split into a second response.
#include "adapters/http/response_head.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace switchboard::adapters;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view input(reinterpret_cast<char const*>(data), size);
    http_response res{boost::beast::http::status::ok, 11};
    // Fields separated by '\x01', name and value by '\x02'.
    while (!input.empty()) {
        auto const end = input.find('\x01');
        auto field = input.substr(0, end);
        auto const colon = field.find('\x02');
        auto name = field.substr(0, colon);
        auto value = colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1);
        if (!name.empty() && name.find_first_of(":\r\n \t") == std::string_view::npos) {
            // A view into the fuzzer's buffer: the fields keep their own copy (header_fields.hpp).
            if (name.size() % 2 == 0) res.insert(name, value);
            else res.set(name, value); // replaces every field of that name
            if (res.find(name) == res.end()) std::abort();
        }
        if (end == std::string_view::npos) break;
        input.remove_prefix(end + 1);
    }
    res.body() = "{}";
    auto const head = response_head(res);
    auto const blank = head.find("\r\n\r\n");
    if (blank == std::string::npos || blank + 4 != head.size()) std::abort(); // one head, ended once
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head[i] == '\0') std::abort();
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) std::abort(); // a bare LF
        if (head[i] == '\r' && (i + 1 == head.size() || head[i + 1] != '\n')) std::abort(); // a bare CR
    }
    return 0;
}
