// `ai_routes:` — named AI routes: a path, a model, a request schema, prompt templates, the chat
// parameters a body may set, a response schema, the answer's field. Read and described by one
// list of fields, like every section.
#include "server/config_sections.hpp"

#include "domain/ai/ai_route.hpp"
#include "domain/rest/service.hpp"

namespace switchboard::server {
namespace json = boost::json;
namespace ai = domain::ai;

namespace {
config_field<ai::ai_route> schema_field(std::string_view key, std::optional<ai::json_schema> ai::ai_route::*member) {
    return {key,
            [member](config_reader& rd, YAML::Node const& n, std::string const& path, ai::ai_route& r) {
                auto schema = ai::json_schema::compile(json_of_yaml(n));
                if (!schema) return rd.fail(path, schema.error().message);
                r.*member = std::move(*schema);
            },
            [member](ai::ai_route const& r) { return (r.*member) ? (r.*member)->source() : json::value(nullptr); }};
}

config_field<ai::ai_route> template_field(std::string_view key, ai::prompt_template ai::ai_route::*member) {
    return {key,
            [member](config_reader& rd, YAML::Node const& n, std::string const& path, ai::ai_route& r) {
                auto text = rd.string(n, path);
                if (!text) return;
                auto compiled = ai::prompt_template::compile(*text);
                if (!compiled) return rd.fail(path, compiled.error().message);
                r.*member = std::move(*compiled);
            },
            [member](ai::ai_route const& r) {
                return (r.*member).empty() ? json::value(nullptr) : json::value((r.*member).text());
            }};
}

field_list<ai::ai_route> route_fields() {
    using S = ai::ai_route;
    static config_field<S> const fields[] = {
        field::text<S>("path", &S::path),
        field::text<S>("model", &S::model),
        schema_field("request_schema", &S::request_schema),
        template_field("system", &S::system),
        template_field("prompt", &S::prompt),
        field::text<S>("messages_field", &S::messages_field),
        {"pass",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& r) {
             if (!n.IsMap()) return rd.fail(path, "must map chat parameters to body fields");
             static std::set<std::string> const allowed{"temperature", "max_tokens", "top_p", "stop", "seed", "user"};
             for (auto const& kv : n) {
                 auto const name = kv.first.as<std::string>();
                 if (!allowed.contains(name))
                     rd.fail(path + "." + name, "must be one of temperature, max_tokens, top_p, stop, seed, user");
                 else if (auto v = rd.string(kv.second, path + "." + name))
                     r.pass.emplace_back(name, *v);
             }
         },
         [](S const& r) {
             json::object out;
             for (auto const& [k, v] : r.pass) out[k] = v;
             return json::value(std::move(out));
         }},
        {"defaults",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& r) {
             auto v = json_of_yaml(n);
             if (!v.is_object()) return rd.fail(path, "must map chat parameters to values");
             r.defaults = std::move(v.as_object());
         },
         [](S const& r) { return json::value(r.defaults); }},
        schema_field("response_schema", &S::response_schema),
        field::text<S>("answer_field", &S::answer_field),
    };
    return fields;
}

void check_route(config_reader& rd, ai::ai_route const& r, std::string const& at, gateway_config const& c) {
    if (!ai::valid_route_path(r.path))
        rd.fail(at + ".path", "must be an absolute path of plain segments, with at most one {tenant}");
    // A path a built-in route serves is refused by ai_route_collisions() (runtime.hpp): the
    // route table lives with the router, which the config reader does not link.
    for (auto const& other : c.ai_routes)
        if (other.path == r.path) rd.fail(at + ".path", "is also the path of the route " + other.name);
    if (r.model.empty()) rd.fail(at + ".model", "is required (a model or group)");
    if (r.prompt.empty() == r.messages_field.empty())
        rd.fail(at, "needs a prompt template or a messages_field (one of them)");
    if (r.answer_field.empty()) rd.fail(at + ".answer_field", "may not be empty");
}
} // namespace

void read_ai_routes(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    if (!n.IsMap()) return rd.fail(path, "must map route names to {path, model, prompt, …}");
    for (auto const& kv : n) {
        ai::ai_route r;
        r.name = kv.first.as<std::string>();
        auto const at = path + "." + r.name;
        if (!domain::rest::valid_name(r.name)) rd.fail(at, "is not a valid route name (letters, digits, '_', '-')");
        read_section(rd, kv.second, at, route_fields(), r);
        check_route(rd, r, at, c);
        c.ai_routes.push_back(std::move(r));
    }
}

json::value describe_ai_routes(gateway_config const& c) {
    json::object out;
    for (auto const& r : c.ai_routes) out[r.name] = describe_section(route_fields(), r);
    return out;
}

} // namespace switchboard::server
