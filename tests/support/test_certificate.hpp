#pragma once
// A self-signed certificate for "localhost" only (no IP in its names), made with the openssl
// CLI in a temporary directory that is removed with the object. Throws if openssl fails.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace switchboard::testing {

struct test_certificate {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("switchboard-tls-" + std::to_string(::getpid()) + "-" + std::to_string(next()));
    std::filesystem::path cert = dir / "cert.pem";
    std::filesystem::path key = dir / "key.pem";

    test_certificate() {
        std::filesystem::create_directories(dir);
        std::string const cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
                                " -addext subjectAltName=DNS:localhost -keyout " +
                                key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
    }
    ~test_certificate() { std::filesystem::remove_all(dir); }
    test_certificate(test_certificate const&) = delete;
    test_certificate& operator=(test_certificate const&) = delete;

  private:
    static int next() {
        static int n = 0;
        return ++n;
    }
};

} // namespace switchboard::testing
