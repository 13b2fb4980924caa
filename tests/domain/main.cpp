// Boost.Test entry point for the domain unit tests.
#define BOOST_TEST_MODULE switchboard domain
#include <boost/test/unit_test.hpp>
