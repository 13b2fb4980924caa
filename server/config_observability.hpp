#pragma once
// Readers of the observability sections: logging, metrics, background (and a provider's probe).
#include "server/config_reader.hpp"

namespace switchboard::server {

void read_logging(config_reader& r, YAML::Node const& n, observability_settings& o);
void read_metrics(config_reader& r, YAML::Node const& n, observability_settings& o);
void read_background(config_reader& r, YAML::Node const& n, observability_settings& o);
// providers.<name>.probe: {interval, timeout}
void read_probe(config_reader& r, YAML::Node const& n, std::string const& path, adapters::provider_settings& p);
// "true" / "false".
std::optional<bool> read_flag(config_reader& r, YAML::Node const& n, std::string const& path);

} // namespace switchboard::server
