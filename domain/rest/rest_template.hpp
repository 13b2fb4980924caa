#pragma once
// What one provider is sent for a service call, and how its answer becomes the endpoint's
// declared output. Templates name parameters in braces: "/current/{city}", "{units}". A
// parameter's value is percent-encoded where it lands (a path segment, a query value), so it can
// neither add a path segment nor a query field; "." and ".." are refused as path values. In a
// JSON body, a string that is exactly "{name}" becomes the parameter's typed value; braces in
// other strings are filled with its text. Pure.
#include "domain/rest/service.hpp"

#include <set>

namespace switchboard::domain::rest {

struct rendered_request {
    std::string method;
    std::string target; // path + "?" + query, relative to the provider's base URL
    std::string body;   // serialised JSON, or empty
};

// The parameter names a template mentions, or the problem with it (an unclosed brace…).
result<std::set<std::string, std::less<>>> template_names(std::string_view text);
// The names an implementation's path, query and body mention (config checks them against the
// endpoint's parameters).
result<std::set<std::string, std::less<>>> implementation_names(implementation const& impl);

// The request for `params` (read by read_*_params). Fails (invalid_request naming the parameter) only for a path value of "." or "..", or an
// absent parameter a path needs.
result<rendered_request> render(implementation const& impl, boost::json::object const& params);

// The endpoint's output from the provider's answer: each declared field read by its JSON
// Pointer. A field the answer lacks makes the answer unusable: the error says which.
boost::system::result<boost::json::object, std::string> map_output(implementation const& impl,
                                                                  boost::json::value const& answer);

// What the answer cost: the price per call, plus units × price per unit when the rule reads
// units (absent, negative or not a number: none counted).
double cost_of(cost_rule const& rule, boost::json::value const& answer);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encode(std::string_view text);

} // namespace switchboard::domain::rest
