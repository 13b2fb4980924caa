// switchboard entry point: parse the command line, load and validate the config, run the
// thread-per-core runtime until SIGTERM/SIGINT, then drain gracefully.
#include "adapters/observability/log.hpp"
#include "server/config.hpp"
#include "adapters/auth/key_ring.hpp"
#include "adapters/http/request_id.hpp"
#include "server/runtime.hpp"

#include <boost/json/serialize.hpp>

#include <csignal>
#include <cstring>
#include <iostream>

namespace {

constexpr char const* usage =
    "usage: switchboard [--config FILE] [--check-config [FILE]] [--new-key TENANT] [--port N] [--threads N] [--version]\n"
    "  --config FILE        YAML or JSON config (also SWITCHBOARD_CONFIG); defaults are embedded\n"
    "  --check-config FILE  validate the config, print it with secrets masked, exit 0 or 1\n"
    "  --new-key TENANT     make an API key for TENANT: prints the key (once) and its auth.keys entry\n"
    "                       (hashed with auth.secret or SWITCHBOARD_AUTH_SECRET)\n"
    "  --port N, --threads N  override server.port / server.threads\n";

struct options {
    std::string config_file;
    bool check = false;
    std::string new_key_tenant; // --new-key
    int port = -1;
    int threads = -1;
};

int parse_number(char const* flag, char const* value) {
    char* end = nullptr;
    long v = std::strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || v < 0 || v > 65535) {
        std::cerr << "switchboard: " << flag << " needs a number, got '" << value << "'\n";
        std::exit(2);
    }
    return static_cast<int>(v);
}

options parse_args(int argc, char** argv) {
    options o;
    if (char const* env = std::getenv("SWITCHBOARD_CONFIG")) o.config_file = env;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto next = [&]() -> char const* {
            if (i + 1 >= argc) {
                std::cerr << "switchboard: " << a << " needs a value\n" << usage;
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--version") {
            std::cout << "switchboard " << SWITCHBOARD_VERSION << "\n";
            std::exit(0);
        } else if (a == "--help" || a == "-h") {
            std::cout << usage;
            std::exit(0);
        } else if (a == "--config") {
            o.config_file = next();
        } else if (a == "--check-config") {
            o.check = true;
            if (i + 1 < argc && argv[i + 1][0] != '-') o.config_file = argv[++i];
        } else if (a == "--new-key") {
            o.new_key_tenant = next();
        } else if (a == "--port") {
            o.port = parse_number("--port", next());
        } else if (a == "--threads") {
            o.threads = parse_number("--threads", next());
        } else {
            std::cerr << "switchboard: unknown argument '" << a << "'\n" << usage;
            std::exit(2);
        }
    }
    return o;
}

// A new key for `tenant`: the key itself goes to whoever will use it (it is printed once and
// cannot be recovered); the entry, with the keyed hash only, goes into auth.keys.
int print_new_key(switchboard::server::gateway_config const& config, std::string const& tenant) {
    if (!switchboard::adapters::plain_identifier(tenant, 64)) {
        std::cerr << "switchboard: a tenant name is at most 64 letters, digits, '-', '_', '.' or ':'\n";
        return 2;
    }
    if (config.auth.secret.size() < 16) {
        std::cerr << "switchboard: --new-key needs auth.secret or SWITCHBOARD_AUTH_SECRET (at least 16 characters)\n";
        return 2;
    }
    auto const key = switchboard::adapters::key_ring::mint(config.auth.secret);
    std::cout << "key: " << key.text << "\n"
              << "# shown once: hand it to the caller; only its hash is kept. Add to auth.keys:\n"
              << "  - {id: " << key.id << ", hash: " << key.secret_hash << ", tenant: " << tenant << "}\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    using namespace switchboard::server;
    options const opts = parse_args(argc, argv);

    auto loaded = load_config(opts.config_file, process_env());
    if (!loaded) {
        std::cerr << "switchboard: invalid config" << (opts.config_file.empty() ? "" : " " + opts.config_file)
                  << ":\n";
        for (auto const& p : loaded.error().problems) std::cerr << "  - " << p << "\n";
        return 1;
    }
    if (auto problems = ai_route_collisions(*loaded); !problems.empty()) {
        std::cerr << "switchboard: invalid config" << (opts.config_file.empty() ? "" : " " + opts.config_file)
                  << ":\n";
        for (auto const& p : problems) std::cerr << "  - " << p << "\n";
        return 1;
    }
    gateway_config config = std::move(*loaded);
    if (opts.port >= 0) config.server.port = static_cast<unsigned short>(opts.port);
    if (opts.threads >= 0) config.server.threads = static_cast<unsigned>(opts.threads);

    if (!opts.new_key_tenant.empty()) return print_new_key(config, opts.new_key_tenant);
    if (opts.check) {
        std::cout << boost::json::serialize(describe(config)) << "\n";
        std::cerr << "switchboard: config OK\n";
        return 0;
    }

    // Block the shutdown signals in every thread; this thread waits for them below.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    // Log lines go to stdout (or the configured file) through the asynchronous writer.
    switchboard::adapters::configure_logging(config.observability.log);
    try {
        gateway_runtime runtime(std::move(config));
        runtime.start();
        int received = 0;
        sigwait(&signals, &received);
        runtime.shutdown();
    } catch (std::exception const& e) {
        switchboard::adapters::flush_logs();
        std::cerr << "switchboard: " << e.what() << "\n";
        return 1;
    }
    switchboard::adapters::flush_logs();
    return 0;
}
