#pragma once
// Small typed accessors for validating JSON request bodies. Each returns the invalid_request
// error to send (with the parameter path), or nullopt when the field is absent or valid.

#include "domain/errors.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

// invalid_request for `param`; the message reads "'<param>' <problem>".
std::optional<gateway_error> invalid(std::string const& param, std::string const& problem);

// Keeps client-supplied text in messages short and printable.
std::string truncate_for_message(std::string_view s, std::size_t max = 64);

std::optional<gateway_error> required_string(boost::json::object const& o, std::string_view key,
                                             std::string& out);
// A required, non-empty identifier of at most `max` characters without control characters (a
// model name: it is echoed into response headers and logs).
std::optional<gateway_error> required_identifier(boost::json::object const& o, std::string_view key,
                                                 std::size_t max, std::string& out);
std::optional<gateway_error> optional_string(boost::json::object const& o, std::string_view key,
                                             std::string const& prefix, std::string& out);
std::optional<gateway_error> optional_bool(boost::json::object const& o, std::string_view key, bool& out,
                                           std::string const& prefix = {});
std::optional<gateway_error> optional_number(boost::json::object const& o, std::string_view key, double lo,
                                             double hi, std::optional<double>& out);
std::optional<gateway_error> optional_integer(boost::json::object const& o, std::string_view key,
                                              std::int64_t lo, std::int64_t hi,
                                              std::optional<std::int64_t>& out);

} // namespace switchboard::domain
