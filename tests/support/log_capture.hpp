#pragma once
// Test logging. By default (quiet_test_logging, set up by each test module) log lines go to a
// temporary file so they do not drown the test report. A log_capture sends them to its own file
// at the level it is given for its lifetime, and reads them back parsed.
#include "adapters/observability/log.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace switchboard::testing {

void quiet_test_logging();

class log_capture {
  public:
    explicit log_capture(adapters::log_level level = adapters::log_level::info);
    ~log_capture(); // back to quiet_test_logging
    log_capture(log_capture const&) = delete;
    log_capture& operator=(log_capture const&) = delete;

    std::string text(); // every line written so far (flushed first)
    // Every line parsed as a JSON object; a line that is not one throws std::runtime_error.
    std::vector<boost::json::object> lines();
    // The lines whose "event" is `event`.
    std::vector<boost::json::object> events(std::string_view event);

  private:
    std::string path_;
};

} // namespace switchboard::testing
