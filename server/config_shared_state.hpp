#pragma once
// Readers of the shared-state sections: store, limits, quotas (and the fail modes they use).
#include "server/config_reader.hpp"

namespace switchboard::server {

void read_store(config_reader& r, YAML::Node const& n, store_settings& s);
// A list replaces the default limits entirely (an empty list turns inbound limits off).
void read_limits(config_reader& r, YAML::Node const& n, std::vector<domain::rate_limit_rule>& rules);
void read_quotas(config_reader& r, YAML::Node const& n, adapters::quota_policy& q);
// "fail_open" | "fail_closed".
void read_fail_mode(config_reader& r, YAML::Node const& n, std::string const& path, domain::fail_mode& mode);
void read_trusted_proxies(config_reader& r, YAML::Node const& n, std::vector<std::string>& out);

} // namespace switchboard::server
