// Boost.Test entry point for the adapter and in-process integration tests.
#define BOOST_TEST_MODULE switchboard adapters
#include <boost/test/unit_test.hpp>

#include "tests/support/test_process.hpp"
