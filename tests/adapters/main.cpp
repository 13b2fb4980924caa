// Boost.Test entry point for the adapter and in-process integration tests.
#define BOOST_TEST_MODULE switchboard adapters
#include <boost/test/unit_test.hpp>

#include "tests/support/log_capture.hpp"

namespace {
// Log lines go to a temporary file unless a test captures them.
struct quiet_logs {
    quiet_logs() { switchboard::testing::quiet_test_logging(); }
};
BOOST_TEST_GLOBAL_FIXTURE(quiet_logs);
} // namespace
