#pragma once
// The process set-up every integration test module shares (adapters_tests, server_tests): log
// lines go to a temporary file unless a test captures them, and a crash prints its stack
// (crash_report.hpp: ctest runs these binaries with --catch_system_errors=no). Included once, by
// the module's main.cpp, after BOOST_TEST_MODULE and <boost/test/unit_test.hpp>.
#include "tests/support/crash_report.hpp"
#include "tests/support/log_capture.hpp"

namespace {
struct test_process {
    test_process() {
        switchboard::testing::quiet_test_logging();
        switchboard::testing::report_crashes();
    }
};
BOOST_TEST_GLOBAL_FIXTURE(test_process);
} // namespace
