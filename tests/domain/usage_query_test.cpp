// GET /api/v1/usage's query: spans, groupings, filters, and the errors that name the parameter.
#include "domain/ledger/usage_query.hpp"

#include "printers.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using namespace switchboard::domain::ledger;

namespace {
constexpr std::int64_t now_ms = 1'796'400'000'000; // 2026-12-04T16:00:00Z
using params = std::vector<std::pair<std::string, std::string>>;

std::string refused_param(params const& p) {
    auto q = read_usage_query(p, now_ms);
    BOOST_TEST_REQUIRE(!q.has_value());
    BOOST_TEST(q.error().code == errc::invalid_request);
    return q.error().param;
}
} // namespace

BOOST_AUTO_TEST_SUITE(usage_query)

BOOST_AUTO_TEST_CASE(without_parameters_it_is_the_total_of_the_last_thirty_days_through_now) {
    auto q = read_usage_query({}, now_ms);
    BOOST_TEST_REQUIRE(q.has_value());
    BOOST_TEST(q->to_unix_ms == now_ms + 1);
    BOOST_TEST(q->to_unix_ms - q->from_unix_ms == 30LL * 86'400'000);
    BOOST_TEST(grouping_name(q->group_by) == "total");
    BOOST_TEST(!q->tenant.has_value());
}

BOOST_AUTO_TEST_CASE(dates_times_and_unix_seconds_are_read_and_a_to_date_includes_its_day) {
    auto q = read_usage_query({{"from", "2026-12-01"}, {"to", "2026-12-02"}, {"group_by", "day"}}, now_ms);
    BOOST_TEST_REQUIRE(q.has_value());
    BOOST_TEST(q->from_unix_ms == 1'796'083'200'000); // 2026-12-01T00:00:00Z
    BOOST_TEST(q->to_unix_ms == 1'796'256'000'000);   // 2026-12-03T00:00:00Z: through the 2nd
    BOOST_TEST(grouping_name(q->group_by) == "day");
    auto t = read_usage_query({{"from", "2026-12-01T10:00:00Z"}, {"to", "1796140800"}, {"tenant", "acme"}}, now_ms);
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(t->from_unix_ms == 1'796'119'200'000);
    BOOST_TEST(t->to_unix_ms == 1'796'140'800'000); // Unix seconds, as given
    BOOST_TEST(*t->tenant == "acme");
}

BOOST_AUTO_TEST_CASE(every_grouping_has_its_name) {
    for (std::string g : {"total", "tenant", "key", "model", "provider", "route", "day"}) {
        auto q = read_usage_query({{"group_by", g}}, now_ms);
        BOOST_TEST_REQUIRE(q.has_value(), g);
        BOOST_TEST(grouping_name(q->group_by) == g);
    }
}

BOOST_AUTO_TEST_CASE(bad_values_name_their_parameter) {
    BOOST_TEST(refused_param({{"group_by", "color"}}) == "group_by");
    BOOST_TEST(refused_param({{"from", "yesterday"}}) == "from");
    BOOST_TEST(refused_param({{"to", "2026-13-01"}}) == "to");
    BOOST_TEST(refused_param({{"to", "-5"}}) == "to");
    BOOST_TEST(refused_param({{"tenant", ""}}) == "tenant");
    BOOST_TEST(refused_param({{"limit", "5"}}) == "limit");
    BOOST_TEST(refused_param({{"tenant", "a"}, {"tenant", "b"}}) == "tenant");
    BOOST_TEST(refused_param({{"from", "2026-12-02"}, {"to", "2026-12-01T00:00:00Z"}}) == "from"); // inverted
    BOOST_TEST(refused_param({{"from", "2024-01-01"}}) == "from");                                 // too long a span
}

BOOST_AUTO_TEST_CASE(a_day_group_reads_as_its_date) {
    BOOST_TEST(day_group(0) == "1970-01-01");
    BOOST_TEST(day_group(20'790) == "2026-12-03");
}

BOOST_AUTO_TEST_SUITE_END()
