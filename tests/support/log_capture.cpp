// Log capture for tests.
#include "tests/support/log_capture.hpp"

#include <boost/json/parse.hpp>

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace switchboard::testing {

namespace {
std::string temp_path(std::string const& tag) {
    static std::atomic<int> sequence{0};
    return "/tmp/switchboard-test-" + std::to_string(::getpid()) + "-" + tag + "-" +
           std::to_string(sequence.fetch_add(1)) + ".log";
}
} // namespace

void quiet_test_logging() {
    static std::string const path = temp_path("quiet");
    adapters::log_options o;
    o.target.file = path;
    o.target.max_file_bytes = 16u << 20;
    o.target.max_files = 0; // rotation deletes: the quiet log never grows past 16 MiB
    adapters::configure_logging(o);
}

log_capture::log_capture(adapters::log_level level) : path_(temp_path("capture")) {
    adapters::log_options o;
    o.level = level;
    o.target.file = path_;
    adapters::configure_logging(o);
}

log_capture::~log_capture() {
    quiet_test_logging();
    std::remove(path_.c_str());
}

std::string log_capture::text() {
    adapters::flush_logs();
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<boost::json::object> log_capture::lines() {
    std::vector<boost::json::object> out;
    std::istringstream in(text());
    for (std::string line; std::getline(in, line);) {
        boost::system::error_code ec;
        auto v = boost::json::parse(line, ec);
        if (ec || !v.is_object()) throw std::runtime_error("log line is not a JSON object: " + line);
        out.push_back(std::move(v.as_object()));
    }
    return out;
}

std::vector<boost::json::object> log_capture::events(std::string_view event) {
    std::vector<boost::json::object> out;
    for (auto& line : lines())
        if (auto const* e = line.if_contains("event"); e && e->is_string() && e->as_string() == event)
            out.push_back(std::move(line));
    return out;
}

} // namespace switchboard::testing
