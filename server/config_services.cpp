// `services:` — REST service endpoints, their typed parameters and the providers that implement
// them — and the REST settings of a provider (auth, price, passthrough). Read and described by
// one list of fields each, like every section.
#include "server/config_sections.hpp"

#include "adapters/observability/log.hpp"
#include "domain/ascii.hpp"
#include "domain/rest/passthrough.hpp"
#include "domain/rest/rest_template.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace switchboard::server {
namespace json = boost::json;
namespace rest = domain::rest;
using adapters::mask_secret;

// A YAML tree as JSON: a quoted scalar stays a string; a plain one is read as a boolean, an
// integer or a number when it is one (YAML's own reading), else a string.
json::value json_of_yaml(YAML::Node const& n) {
    if (n.IsMap()) {
        json::object out;
        for (auto const& kv : n) out[kv.first.as<std::string>()] = json_of_yaml(kv.second);
        return out;
    }
    if (n.IsSequence()) {
        json::array out;
        for (auto const& item : n) out.push_back(json_of_yaml(item));
        return out;
    }
    if (!n.IsScalar() || n.IsNull()) return nullptr;
    auto const& text = n.Scalar();
    if (n.Tag() == "!") return json::value(text);
    if (text == "true" || text == "false") return json::value(text == "true");
    std::int64_t i = 0;
    if (YAML::convert<std::int64_t>::decode(n, i) && text.find_first_of(".eE") == std::string::npos) return i;
    double d = 0;
    if (YAML::convert<double>::decode(n, d)) return d;
    return json::value(text);
}

namespace {
bool valid_prefix(std::string const& p) {
    return rest::valid_passthrough_prefix(p);
}


// A map of strings (query templates, output pointers), in the file's order.
config_field<rest::implementation> pairs_field(std::string_view key,
                                               std::vector<std::pair<std::string, std::string>> rest::implementation::*member) {
    return {key,
            [member](config_reader& rd, YAML::Node const& n, std::string const& path, rest::implementation& s) {
                if (!n.IsMap()) return rd.fail(path, "must be a mapping of names to text");
                for (auto const& kv : n) {
                    auto name = kv.first.as<std::string>();
                    if (auto v = rd.string(kv.second, path + "." + name)) (s.*member).emplace_back(name, *v);
                }
            },
            [member](rest::implementation const& s) {
                json::object out;
                for (auto const& [k, v] : s.*member) out[k] = v;
                return json::value(std::move(out));
            }};
}

bool non_negative(double v) {
    return v >= 0 && v <= 1e6;
}

field_list<rest::cost_rule> units_fields() {
    using S = rest::cost_rule;
    static config_field<S> const fields[] = {
        field::text<S>("pointer", &S::units_pointer),
        field::number<S>("usd_per_unit", &S::usd_per_unit, non_negative, "a price from 0 to 1000000 dollars"),
    };
    return fields;
}

field_list<rest::implementation> implementation_fields() {
    using S = rest::implementation;
    auto cost = [](auto& s) -> auto& { return s.cost; };
    static config_field<S> const fields[] = {
        field::text<S>("provider", &S::provider),
        field::text<S>("method", &S::method),
        field::text<S>("path", &S::path),
        pairs_field("query", &S::query),
        {"body", [](config_reader&, YAML::Node const& n, std::string const&, S& s) { s.body = json_of_yaml(n); },
         [](S const& s) { return s.body; }},
        pairs_field("output", &S::output),
        field::number<S>("usd_per_call", [](auto& s) -> auto& { return s.cost.usd_per_call; }, non_negative,
                         "a price from 0 to 1000000 dollars"),
        field::section<S, rest::cost_rule>("units", cost, units_fields()),
    };
    return fields;
}

field_list<rest::param_spec> param_fields() {
    using S = rest::param_spec;
    static config_field<S> const fields[] = {
        {"type",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             auto text = rd.string(n, path);
             auto type = text ? rest::parse_param_type(*text) : std::nullopt;
             if (!type) return rd.fail(path, "must be string, integer, number or boolean");
             s.type = *type;
         },
         [](S const& s) { return json::value(rest::param_type_name(s.type)); }},
        field::flag<S>("required", &S::required),
        {"default", [](config_reader&, YAML::Node const& n, std::string const&, S& s) { s.fallback = json_of_yaml(n); },
         [](S const& s) { return s.fallback; }},
        field::text_list<S>("enum", &S::one_of, "allowed values"),
        field::integer<S>("max_length", &S::max_length, 1, 65536),
        {"minimum", [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto v = json_of_yaml(n); v.is_number()) s.minimum = v.to_number<double>();
             else rd.fail(path, "must be a number");
         },
         [](S const& s) { return s.minimum ? json::value(*s.minimum) : json::value(nullptr); }},
        {"maximum", [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto v = json_of_yaml(n); v.is_number()) s.maximum = v.to_number<double>();
             else rd.fail(path, "must be a number");
         },
         [](S const& s) { return s.maximum ? json::value(*s.maximum) : json::value(nullptr); }},
    };
    return fields;
}

// An implementation's templates name only the endpoint's parameters; a path names only required
// ones; its provider is a REST provider; what it reads and sends is well formed.
void check_implementation(config_reader& rd, rest::endpoint const& e, rest::implementation const& impl,
                          std::string const& at, gateway_config const& c) {
    auto p = std::find_if(c.providers.begin(), c.providers.end(), [&](auto const& s) { return s.name == impl.provider; });
    if (impl.provider.empty()) rd.fail(at + ".provider", "is required");
    else if (p == c.providers.end()) rd.fail(at + ".provider", "names no provider: " + impl.provider);
    else if (p->kind != "rest") rd.fail(at + ".provider", "must be a provider of kind rest");
    static std::set<std::string, std::less<>> const methods{"GET", "POST", "PUT", "PATCH", "DELETE"};
    if (!methods.contains(impl.method)) rd.fail(at + ".method", "must be GET, POST, PUT, PATCH or DELETE");
    if (!impl.path.starts_with("/")) rd.fail(at + ".path", "must begin with '/'");
    if (impl.output.empty()) rd.fail(at + ".output", "must map at least one output field to a JSON Pointer");
    for (auto const& [field, pointer] : impl.output)
        if (!pointer.empty() && pointer.front() != '/') rd.fail(at + ".output." + field, "must be a JSON Pointer (\"/a/b\")");
    if (!impl.cost.units_pointer.empty() && impl.cost.units_pointer.front() != '/')
        rd.fail(at + ".units.pointer", "must be a JSON Pointer (\"/usage/units\")");
    auto names = rest::implementation_names(impl);
    if (!names) return rd.fail(at, names.error().message);
    for (auto const& name : *names) {
        auto spec = std::find_if(e.params.begin(), e.params.end(), [&](auto const& s) { return s.name == name; });
        if (spec == e.params.end()) rd.fail(at, "names '" + name + "', not a parameter of the endpoint");
    }
    auto path_names = rest::template_names(impl.path);
    if (path_names)
        for (auto const& name : *path_names) {
            auto spec = std::find_if(e.params.begin(), e.params.end(), [&](auto const& s) { return s.name == name; });
            if (spec != e.params.end() && !spec->required && spec->fallback.is_null())
                rd.fail(at + ".path", "names '" + name + "', which is neither required nor defaulted");
        }
}

void read_endpoint(config_reader& rd, YAML::Node const& n, std::string const& at, rest::endpoint& e,
                   gateway_config const& c) {
    if (!n.IsMap()) return rd.fail(at, "must be a mapping (method, params, providers)");
    rd.only_keys(n, at, {"method", "params", "providers", "cache_ttl"});
    if (auto ttl = n["cache_ttl"]; ttl && !ttl.IsNull())
        if (auto d = rd.duration(ttl, at + ".cache_ttl")) e.cache_ttl = std::chrono::duration_cast<std::chrono::seconds>(*d);
    if (auto m = n["method"]) {
        auto text = rd.string(m, at + ".method");
        if (text == "GET") e.method = rest::inbound_method::get;
        else if (text == "POST") e.method = rest::inbound_method::post;
        else if (text) rd.fail(at + ".method", "must be GET or POST");
    }
    if (auto params = n["params"]; params && !params.IsNull()) {
        if (!params.IsMap()) rd.fail(at + ".params", "must map parameter names to {type, required, …}");
        else
            for (auto const& kv : params) {
                rest::param_spec p;
                p.name = kv.first.as<std::string>();
                if (!rest::valid_name(p.name)) rd.fail(at + ".params." + p.name, "is not a valid parameter name");
                read_section(rd, kv.second, at + ".params." + p.name, param_fields(), p);
                e.params.push_back(std::move(p));
            }
    }
    if (e.cache_ttl.count() > 0 && e.method != rest::inbound_method::get)
        rd.fail(at + ".cache_ttl", "is for GET endpoints (a POST is not served from a cache)");
    auto list = n["providers"];
    if (!list || !list.IsSequence() || list.size() == 0)
        return rd.fail(at + ".providers", "must be a non-empty list of {provider, path, output, …}");
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto const item = at + ".providers[" + std::to_string(i) + "]";
        rest::implementation impl;
        read_section(rd, list[i], item, implementation_fields(), impl);
        check_implementation(rd, e, impl, item, c);
        auto provider = std::find_if(c.providers.begin(), c.providers.end(),
                                     [&](auto const& s) { return s.name == impl.provider; });
        if (!list[i]["usd_per_call"] && provider != c.providers.end())
            impl.cost.usd_per_call = provider->usd_per_call; // the provider's price, unless the endpoint's differs
        e.providers.push_back(std::move(impl));
    }
}

json::object describe_endpoint(rest::endpoint const& e) {
    json::object params;
    for (auto const& p : e.params) params[p.name] = describe_section(param_fields(), p);
    json::array providers;
    for (auto const& impl : e.providers) providers.push_back(describe_section(implementation_fields(), impl));
    return {{"method", e.method == rest::inbound_method::get ? "GET" : "POST"},
            {"cache_ttl", e.cache_ttl.count() > 0 ? json::value(std::to_string(e.cache_ttl.count()) + "s") : json::value(nullptr)},
            {"params", std::move(params)},
            {"providers", std::move(providers)}};
}

field_list<adapters::rest_credentials> credential_fields() {
    using S = adapters::rest_credentials;
    using kind = S::kind;
    static config_field<S> const fields[] = {
        {"type",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             auto text = rd.string(n, path);
             if (text == "none") s.type = kind::none;
             else if (text == "header") s.type = kind::header;
             else if (text == "query") s.type = kind::query;
             else if (text == "bearer") s.type = kind::bearer;
             else if (text == "basic") s.type = kind::basic;
             else if (text) rd.fail(path, "must be header, query, bearer or basic");
         },
         [](S const& s) {
             constexpr std::string_view names[] = {"none", "header", "query", "bearer", "basic"};
             return json::value(names[static_cast<int>(s.type)]);
         }},
        field::text<S>("name", &S::name),
        field::text<S>("username", &S::username),
        {"value", field::text<S>("value", &S::secret).read, [](S const& s) { return json::value(mask_secret(s.secret)); }},
    };
    return fields;
}
} // namespace

// The REST settings of a provider (kind: rest), appended to provider_fields().
std::vector<config_field<adapters::provider_settings>> rest_provider_fields() {
    using S = adapters::provider_settings;
    return {
        field::section<S, adapters::rest_credentials>("auth", &S::credentials, credential_fields()),
        field::number<S>("usd_per_call", &S::usd_per_call, non_negative, "a price from 0 to 1000000 dollars"),
        field::text_list<S>("passthrough", &S::passthrough, "path prefixes", valid_prefix,
                            "must begin with '/' and hold no '.' or '..' segment, encoded separator or space"),
        field::text_list<S>("content_types", &S::content_types, "media types"),
        field::flag<S>("allow_private_network", &S::allow_private_network),
    };
}

// A REST provider's settings make sense: credentials complete and header-safe, REST fields
// only on kind rest.
void check_rest_provider(config_reader& rd, adapters::provider_settings const& p, std::string const& path) {
    using kind = adapters::rest_credentials::kind;
    auto const& c = p.credentials;
    if (p.kind != "rest") {
        if (c.type != kind::none || !p.passthrough.empty() || p.usd_per_call > 0)
            rd.fail(path, "auth, usd_per_call and passthrough are for providers of kind rest");
        return;
    }
    if ((c.type == kind::header || c.type == kind::query) && c.name.empty())
        rd.fail(path + ".auth.name", "is required for " + std::string(c.type == kind::header ? "header" : "query") + " auth");
    if (c.type == kind::basic && c.username.empty()) rd.fail(path + ".auth.username", "is required for basic auth");
    if (c.type != kind::none && c.secret.empty()) rd.fail(path + ".auth.value", "is required (use \"${ENV_VAR}\")");
    using domain::breaks_header_line;
    if (breaks_header_line(c.name) || breaks_header_line(c.secret) || breaks_header_line(c.username))
        rd.fail(path + ".auth", "may not hold a line break or NUL");
    for (auto const& [name, value] : p.headers)
        if (breaks_header_line(name) || breaks_header_line(value)) rd.fail(path + ".headers." + name, "may not hold a line break or NUL");
}

void read_services(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    if (!n.IsMap()) return rd.fail(path, "must map service names to their endpoints");
    for (auto const& service : n) {
        auto const service_name = service.first.as<std::string>();
        auto const at = path + "." + service_name;
        if (!rest::valid_name(service_name)) rd.fail(at, "is not a valid service name (letters, digits, '_', '-')");
        if (!service.second.IsMap()) {
            rd.fail(at, "must map endpoint names to {method, params, providers}");
            continue;
        }
        for (auto const& ep : service.second) {
            rest::endpoint e;
            e.service = service_name;
            e.name = ep.first.as<std::string>();
            if (!rest::valid_name(e.name)) rd.fail(at + "." + e.name, "is not a valid endpoint name");
            read_endpoint(rd, ep.second, at + "." + e.name, e, c);
            for (auto const& impl : e.providers) // each provider knows how it serves the endpoint
                for (auto& p : c.providers)
                    if (p.name == impl.provider) p.implementations[e.route()] = impl;
            c.services.push_back(std::move(e));
        }
    }
}

json::value describe_services(gateway_config const& c) {
    json::object out;
    for (auto const& e : c.services) {
        auto& service = out[e.service];
        if (!service.is_object()) service = json::object{};
        service.as_object()[e.name] = describe_endpoint(e);
    }
    return out;
}

} // namespace switchboard::server
