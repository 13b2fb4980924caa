// Every stable error code maps to one HTTP status and an OpenAI-shaped body.
#include "adapters/http/error_response.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard;
using domain::errc;

BOOST_AUTO_TEST_SUITE(error_response)

BOOST_AUTO_TEST_CASE(status_per_code) {
    struct {
        errc code;
        int status;
    } table[] = {
        {errc::invalid_request, 400},   {errc::unauthorized, 401},          {errc::forbidden, 403},
        {errc::not_found, 404},         {errc::model_not_found, 404},       {errc::method_not_allowed, 405},
        {errc::payload_too_large, 413}, {errc::headers_too_large, 431},     {errc::provider_unavailable, 503},
        {errc::upstream_error, 502},    {errc::upstream_bad_response, 502}, {errc::timeout, 504},
        {errc::internal_error, 500},
    };
    for (auto const& row : table) BOOST_TEST_CONTEXT(domain::code_name(row.code))
    BOOST_TEST(static_cast<int>(adapters::status_for(row.code)) == row.status);
}

BOOST_AUTO_TEST_CASE(body_has_the_openai_shape_and_request_id) {
    auto res = adapters::error_response(domain::make_error(errc::invalid_request, "bad", "temperature"),
                                        "rid-1", 11, true);
    BOOST_TEST(res.result_int() == 400u);
    BOOST_TEST(res["x-request-id"] == "rid-1");
    auto body = boost::json::parse(res.body());
    BOOST_TEST(body.at("error").at("message").as_string() == "bad");
    BOOST_TEST(body.at("error").at("type").as_string() == "invalid_request_error");
    BOOST_TEST(body.at("error").at("code").as_string() == "invalid_request");
    BOOST_TEST(body.at("error").at("param").as_string() == "temperature");
    BOOST_TEST(body.at("request_id").as_string() == "rid-1");
    auto no_param = boost::json::parse(adapters::error_body(domain::make_error(errc::timeout, "t"), "r"));
    BOOST_TEST(no_param.at("error").at("param").is_null());
}

BOOST_AUTO_TEST_SUITE_END()
