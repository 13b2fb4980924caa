// valijson behind json_schema: its headers stay in this file (heavy templates).
#include "domain/ai/json_schema.hpp"

// Without it valijson prints and aborts on a bad schema; with it, it throws what compile() catches.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <stdexcept>

namespace switchboard::domain::ai {

struct json_schema::compiled {
    valijson::Schema schema;
};

result<json_schema> json_schema::compile(boost::json::value const& source) {
    json_schema out;
    auto built = std::make_shared<json_schema::compiled>();
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::BoostJsonAdapter adapter(source);
        parser.populateSchema(adapter, built->schema); // no fetch function: a remote $ref throws
    } catch (std::exception const& e) {
        std::string reason = e.what();
        if (reason.size() > 200) reason.resize(200);
        return make_error(errc::invalid_request, "is not a usable JSON Schema (draft 7): " + reason);
    }
    out.compiled_ = std::move(built);
    out.source_ = std::make_shared<boost::json::value const>(source);
    return out;
}

std::vector<std::string> json_schema::violations(boost::json::value const& document, std::size_t most) const {
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    valijson::adapters::BoostJsonAdapter target(document);
    std::vector<std::string> out;
    if (validator.validate(compiled_->schema, target, &results)) return out;
    valijson::ValidationResults::Error error;
    // Each failure is reported at every level that contains it ("item #0 failed", then why): the
    // most specific — the deepest place — first, each once.
    std::vector<std::pair<std::size_t, std::string>> all;
    while (results.popError(error)) {
        std::string where;
        for (auto const& part : error.context) where += part == "<root>" ? "$" : part;
        if (where.empty()) where = "$";
        all.emplace_back(error.context.size(), where + ": " + error.description);
    }
    std::stable_sort(all.begin(), all.end(), [](auto const& a, auto const& b) { return a.first > b.first; });
    for (auto const& [depth, text] : all) {
        if (out.size() == most) break;
        if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
    }
    if (out.empty()) out.push_back("$: does not match the schema");
    return out;
}

} // namespace switchboard::domain::ai
