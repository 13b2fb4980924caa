// Boost.Test entry point for the adapter and in-process integration tests.
#define BOOST_TEST_MODULE switchboard adapters
#include <boost/test/unit_test.hpp>

#include "tests/support/crash_report.hpp"
#include "tests/support/log_capture.hpp"

namespace {
// Log lines go to a temporary file unless a test captures them; a crash prints its stack
// (crash_report.hpp: ctest runs these binaries with --catch_system_errors=no).
struct quiet_logs {
    quiet_logs() {
        switchboard::testing::quiet_test_logging();
        switchboard::testing::report_crashes();
    }
};
BOOST_TEST_GLOBAL_FIXTURE(quiet_logs);
} // namespace
