// libFuzzer target: GET /api/v1/usage's query parameters (names and values from the client).
// Reading never crashes; what reads as a query covers a span that is not empty, not inverted and
// within the longest one allowed.
#include "domain/ledger/usage_query.hpp"

#include "tests/fuzz/fuzz_input.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain::ledger;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    // Three name/value pairs from one input: split at the first five NULs.
    auto const parts = switchboard::fuzzing::split_at_nuls<6>(text);
    std::vector<std::pair<std::string, std::string>> params;
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2)
        if (!parts[i].empty()) params.emplace_back(std::string(parts[i]), std::string(parts[i + 1]));
    auto const q = read_usage_query(params, 1'796'400'000'000);
    if (q && (q->from_unix_ms >= q->to_unix_ms || q->to_unix_ms - q->from_unix_ms > max_query_span_ms)) std::abort();
    if (q) (void)grouping_name(q->group_by);
    return 0;
}
