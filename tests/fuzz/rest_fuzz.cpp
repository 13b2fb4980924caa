// libFuzzer target: what a REST call takes from outside — a passthrough path and query from the
// client, a parameter value from the client, an answer from the provider. An accepted path holds
// no dot segment, no encoded separator and no empty segment; a filled template never gains a path
// segment or a query field from a value; mapping and pricing any answer neither crash nor price
// below the per-call price.
#include "domain/rest/passthrough.hpp"
#include "domain/rest/rest_template.hpp"

#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace rest = switchboard::domain::rest;
namespace json = boost::json;

namespace {
void check_path(std::string_view path, std::string_view query) {
    static std::vector<std::string> const allowed{"/v1", "/data/"};
    if (!rest::check_passthrough(path, query, allowed)) return;
    std::string lower(path);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto const* bad : {"%2f", "%5c", "%2e", "%00", "\\", "//", "/../", "/./"})
        if (lower.find(bad) != std::string::npos) std::abort();
    if (lower.ends_with("/..") || lower.ends_with("/.")) std::abort();
    if (!lower.starts_with("/v1") && !lower.starts_with("/data/")) std::abort();
}

void check_template(std::string_view value) {
    rest::endpoint e;
    e.service = "s";
    e.name = "e";
    e.params = {{.name = "v", .required = true, .max_length = 4096}};
    auto params = rest::read_query_params(e, {{"v", std::string(value)}});
    if (!params) return;
    rest::implementation impl;
    impl.path = "/a/{v}/b";
    impl.query = {{"q", "{v}"}, {"fixed", "1"}};
    impl.output = {{"x", "/x"}};
    auto r = rest::render(impl, *params);
    if (!r) return;
    auto const& t = r->target;
    auto const question = t.find('?');
    auto const path = t.substr(0, question);
    if (std::count(path.begin(), path.end(), '/') != 3 || !path.starts_with("/a/") || !path.ends_with("/b")) std::abort();
    auto const query = t.substr(question + 1);
    if (std::count(query.begin(), query.end(), '&') != 1 || std::count(query.begin(), query.end(), '=') != 2) std::abort();
    if (t.find('#') != std::string::npos || t.find(' ') != std::string::npos) std::abort();
}

void check_answer(std::string_view text) {
    boost::system::error_code ec;
    auto const answer = json::parse(text, ec);
    if (ec) return;
    rest::implementation impl;
    impl.output = {{"a", "/a"}, {"b", "/b/0/c"}, {"root", ""}};
    (void)rest::map_output(impl, answer);
    rest::cost_rule rule{.usd_per_call = 0.5, .units_pointer = "/units", .usd_per_unit = 0.25};
    auto const cost = rest::cost_of(rule, answer);
    if (!std::isfinite(cost) || cost < 0.5) std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const parts = switchboard::fuzzing::split_at_nuls<4>(text);
    check_path(parts[0], parts[1]);
    check_template(parts[2]);
    check_answer(parts[3]);
    return 0;
}
