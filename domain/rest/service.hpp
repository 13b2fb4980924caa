#pragma once
// A REST service as the gateway offers it: named endpoints with declared, typed inbound
// parameters, each served by an ordered list of providers. What a provider is sent and how its
// answer becomes the endpoint's declared output is its `implementation` (rest_template.hpp).
// Pure data and validation: no I/O.
#include "domain/errors.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::domain::rest {

enum class param_type { string, integer, number, boolean };
std::optional<param_type> parse_param_type(std::string_view name);
std::string_view param_type_name(param_type t);

struct param_spec {
    std::string name;
    param_type type = param_type::string;
    bool required = false;
    boost::json::value fallback;        // the default when absent (null: none)
    std::vector<std::string> one_of;    // allowed values of a string (empty: any)
    std::size_t max_length = 256;       // of a string, in bytes
    std::optional<double> minimum, maximum; // of a number or integer
};

// What a call costs at one provider: a price per call, plus a price per unit the answer counts
// (a JSON Pointer to a number in the provider's response, e.g. "/usage/credits").
struct cost_rule {
    double usd_per_call = 0;
    std::string units_pointer;
    double usd_per_unit = 0;
};

// One provider's way of serving an endpoint.
struct implementation {
    std::string provider;
    std::string method = "GET";                                // sent upstream
    std::string path;                                          // "/current/{city}": placeholders are parameters
    std::vector<std::pair<std::string, std::string>> query;    // name → template ("{units}" or text)
    boost::json::value body;                                   // POST/PUT: a JSON template (null: none)
    std::vector<std::pair<std::string, std::string>> output;   // field → JSON Pointer into the answer
    cost_rule cost;
};

enum class inbound_method { get, post };

struct endpoint {
    std::string service; // "weather"
    std::string name;    // "current"
    inbound_method method = inbound_method::get;
    std::vector<param_spec> params;
    std::vector<implementation> providers; // in fallback order
    seconds cache_ttl{0};                   // GET: how long an answer is served again (0: not cached)
    std::string route() const { return service + "/" + name; } // the deployments' model name
};

// The parameters of a GET, from its query (each value text, read as its declared type), or of a
// POST, from its JSON body: every declared parameter present and valid, defaults filled,
// nothing undeclared. Errors are `invalid_request` naming the parameter.
result<boost::json::object> read_query_params(endpoint const& e,
                                              std::vector<std::pair<std::string, std::string>> const& query);
result<boost::json::object> read_body_params(endpoint const& e, boost::json::object const& body);

// Names: letters, digits, '_' and '-' (1-64): a service, an endpoint, a parameter.
bool valid_name(std::string_view name);

} // namespace switchboard::domain::rest
