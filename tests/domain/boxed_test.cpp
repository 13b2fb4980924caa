// domain::boxed: an optional on the heap (one pointer while empty) that reads like std::optional.
#include "domain/boxed.hpp"

#include <string>

#include <boost/test/unit_test.hpp>

using switchboard::domain::boxed;

BOOST_AUTO_TEST_SUITE(boxed_value)

BOOST_AUTO_TEST_CASE(empty_is_one_pointer_and_reads_as_absent) {
    static_assert(sizeof(boxed<std::string>) == sizeof(void*));
    boxed<std::string> b;
    BOOST_TEST(!b);
    BOOST_TEST(!b.has_value());
}

BOOST_AUTO_TEST_CASE(emplace_builds_in_place_and_replaces) {
    boxed<std::string> b;
    auto& first = b.emplace(3, 'x');
    BOOST_TEST(first == "xxx");
    BOOST_TEST(*b == "xxx");
    b.emplace("second");
    BOOST_TEST(b->size() == 6u);
    b.reset();
    BOOST_TEST(!b);
}

BOOST_AUTO_TEST_CASE(copies_are_deep_and_moves_leave_the_source_empty) {
    boxed<std::string> a(std::string("value"));
    boxed<std::string> copy = a;
    *copy += "!";
    BOOST_TEST(*a == "value");
    BOOST_TEST(*copy == "value!");
    boxed<std::string> moved = std::move(a);
    BOOST_TEST(*moved == "value");
    BOOST_TEST(!a); // NOLINT(bugprone-use-after-move): a moved-from box is empty by contract
    moved = std::string("assigned");
    BOOST_TEST(*moved == "assigned");
}

BOOST_AUTO_TEST_SUITE_END()
