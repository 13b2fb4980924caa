// kainjow/mustache behind prompt_template: a JSON tree as mustache data, no escaping.
#include "domain/ai/prompt_template.hpp"

#include <boost/json/serialize.hpp>
#include <kainjow/mustache.hpp>

namespace switchboard::domain::ai {
namespace json = boost::json;
using kainjow::mustache::data;
using kainjow::mustache::mustache;

namespace {
data data_of(json::value const& v) {
    switch (v.kind()) {
    case json::kind::object: {
        data out{data::type::object};
        for (auto const& kv : v.as_object()) out.set(std::string(kv.key()), data_of(kv.value()));
        // {{.}} of an object inside a section: its JSON text.
        return out;
    }
    case json::kind::array: {
        data out{data::type::list};
        for (auto const& item : v.as_array()) out.push_back(data_of(item));
        return out;
    }
    case json::kind::string:
        return data{std::string(v.as_string())};
    case json::kind::bool_:
        return data{v.as_bool()};
    case json::kind::null:
        return data{false}; // absent in a section, empty when inserted
    default:
        return data{json::serialize(v)};
    }
}
} // namespace

result<prompt_template> prompt_template::compile(std::string text) {
    mustache parsed{text};
    if (!parsed.is_valid())
        return make_error(errc::invalid_request, "is not a valid Mustache template: " + parsed.error_message());
    prompt_template out;
    out.text_ = std::make_shared<std::string const>(std::move(text));
    return out;
}

std::string prompt_template::render(json::value const& body) const {
    if (empty()) return {};
    mustache tmpl{*text_}; // parsed per call: a mustache object holds render state
    tmpl.set_custom_escape([](std::string const& s) { return s; });
    return tmpl.render(data_of(body));
}

} // namespace switchboard::domain::ai
