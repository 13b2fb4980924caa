// In-process gateway for integration tests.
#include "gateway_fixture.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

namespace switchboard::testing {

gateway_fixture::gateway_fixture(std::string const& yaml, std::map<std::string, std::string> env,
                                 unsigned threads) {
    auto config = server::load_config_text(yaml, [env](std::string const& k) -> std::optional<std::string> {
        if (auto it = env.find(k); it != env.end()) return it->second;
        return std::nullopt;
    });
    if (!config) {
        std::string all;
        for (auto const& p : config.error().problems) all += p + "\n";
        throw std::runtime_error("bad test config:\n" + all);
    }
    config->server.host = "127.0.0.1";
    config->server.port = 0; // a free port
    config->server.threads = threads;
    config->server.shutdown_grace = std::chrono::seconds(5);
    // Tests that are not about inbound limits or quotas make more calls than the defaults allow
    // one address and one tenant; they opt in by naming the section.
    auto names_section = [&yaml](std::string const& key) {
        return yaml.rfind(key + ":", 0) == 0 || yaml.find("\n" + key + ":") != std::string::npos;
    };
    if (!names_section("limits")) config->limits.clear();
    if (!names_section("quotas")) config->quotas.tenants.clear();
    // Every test client is 127.0.0.1; the burst tests open hundreds of connections at once.
    if (yaml.find("max_connections_per_ip") == std::string::npos) config->server.max_connections_per_ip = 100'000;
    // Each gateway its own usage ledger (a file of its own, removed with it), unless the test names one.
    if (!names_section("ledger")) {
        static std::atomic<int> made{0};
        ledger_dir_ = (std::filesystem::temp_directory_path() /
                       ("switchboard-ledger-" + std::to_string(getpid()) + "-" + std::to_string(++made)))
                          .string();
        config->ledger.path = ledger_dir_ + "/usage.db";
    }
    runtime_ = std::make_unique<server::gateway_runtime>(std::move(*config));
    runtime_->start();
}

gateway_fixture::~gateway_fixture() {
    runtime_->shutdown();
    runtime_.reset();
    std::error_code ignored;
    if (!ledger_dir_.empty()) std::filesystem::remove_all(ledger_dir_, ignored);
}

client_response gateway_fixture::chat(std::string const& body,
                                      std::vector<std::pair<std::string, std::string>> headers,
                                      std::chrono::milliseconds limit) {
    return post("/v1/chat/completions", body, std::move(headers), limit);
}

client_response gateway_fixture::post(std::string const& target, std::string const& body,
                                      std::vector<std::pair<std::string, std::string>> headers,
                                      std::chrono::milliseconds limit) {
    return http_call(port(), "POST", target, body, headers, limit);
}

client_response gateway_fixture::get(std::string const& target) {
    return http_call(port(), "GET", target);
}

std::string chat_body(std::string const& model, std::string const& text) {
    return R"({"model":")" + model + R"(","messages":[{"role":"user","content":")" + text + R"("}]})";
}

} // namespace switchboard::testing
