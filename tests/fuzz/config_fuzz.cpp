// libFuzzer target: a configuration file (YAML or JSON) as the loader reads it — every key,
// type, range and cross-check — then the catalog and the masked description of any config it
// accepts. A bad file is a list of problems, never a crash.
#include "server/config.hpp"

#include <cstdint>
#include <string>

using namespace switchboard::server;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string const text(reinterpret_cast<char const*>(data), size);
    auto no_env = [](std::string const&) -> std::optional<std::string> { return std::nullopt; };
    auto loaded = load_config_text(text, no_env);
    if (!loaded) return 0;
    (void)make_catalog(*loaded);
    (void)describe(*loaded);
    return 0;
}
