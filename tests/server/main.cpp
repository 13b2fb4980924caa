// Boost.Test entry point for the server (config, composition) tests.
#define BOOST_TEST_MODULE switchboard server
#include <boost/test/unit_test.hpp>

#include "tests/support/test_process.hpp"
