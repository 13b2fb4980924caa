#pragma once
// Pieces of describe() (config.hpp): the policy sections, each as the loader understood it.
#include "server/config.hpp"

#include <boost/json/object.hpp>

namespace switchboard::server {

boost::json::object describe_resilience(resilience_settings const& r);
boost::json::object describe_budgets(adapters::budget_policy const& b);
boost::json::object describe_pricing(std::vector<std::pair<std::string, domain::model_price>> const& prices);
boost::json::object describe_cors(adapters::cors_policy const& c);
boost::json::object describe_provider_policies(adapters::provider_settings const& p); // retry, breaker

} // namespace switchboard::server
