// Accept-Encoding for gzip: names, q-values, wildcards, refusals, and headers that cannot be read.
#include "domain/http/accept_encoding.hpp"

#include <boost/test/unit_test.hpp>

using switchboard::domain::accepts_gzip;

BOOST_AUTO_TEST_SUITE(accept_encoding)

BOOST_AUTO_TEST_CASE(gzip_named_or_by_wildcard_is_taken) {
    BOOST_TEST(accepts_gzip("gzip"));
    BOOST_TEST(accepts_gzip("gzip, deflate, br"));  // browsers
    BOOST_TEST(accepts_gzip("gzip, deflate"));      // python httpx (the openai SDK)
    BOOST_TEST(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    BOOST_TEST(accepts_gzip("x-gzip"));
    BOOST_TEST(accepts_gzip("*"));
    BOOST_TEST(accepts_gzip("deflate, *;q=0.1"));
}

BOOST_AUTO_TEST_CASE(absent_refused_or_unreadable_is_not_taken) {
    BOOST_TEST(!accepts_gzip(""));
    BOOST_TEST(!accepts_gzip("identity"));
    BOOST_TEST(!accepts_gzip("br, deflate"));
    BOOST_TEST(!accepts_gzip("gzip;q=0"));
    BOOST_TEST(!accepts_gzip("gzip;q=0.000"));
    BOOST_TEST(!accepts_gzip("*, gzip;q=0")); // the specific refusal wins over the wildcard
    BOOST_TEST(!accepts_gzip("*;q=0"));
    BOOST_TEST(!accepts_gzip("gzip;q=2"));      // not a qvalue: skipped
    BOOST_TEST(!accepts_gzip("gzip;q=0.12345"));
    BOOST_TEST(!accepts_gzip(",,;;==,"));
}

BOOST_AUTO_TEST_SUITE_END()
