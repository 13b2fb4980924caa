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

BOOST_AUTO_TEST_SUITE(languages)

BOOST_AUTO_TEST_CASE(accept_language_picks_french_or_english_by_q_value) {
    using switchboard::adapters::language;
    using switchboard::adapters::preferred_language;
    BOOST_TEST((preferred_language("") == language::en));
    BOOST_TEST((preferred_language("fr") == language::fr));
    BOOST_TEST((preferred_language("fr-CA, en;q=0.8") == language::fr));
    BOOST_TEST((preferred_language("en-US,en;q=0.9,fr;q=0.8") == language::en));
    BOOST_TEST((preferred_language("de;q=0.9, fr;q=0.95") == language::fr));
    BOOST_TEST((preferred_language("FR;q=0.5, en;q=0.5") == language::fr)); // tie: the first listed
    BOOST_TEST((preferred_language("fr;q=0") == language::en));
    BOOST_TEST((preferred_language("*") == language::en));
}

BOOST_AUTO_TEST_CASE(every_code_has_a_french_message_and_params_are_named) {
    using namespace switchboard;
    for (int c = 0; c <= static_cast<int>(domain::errc::internal_error); ++c) {
        auto const e = domain::make_error(static_cast<domain::errc>(c), "English detail");
        auto const fr = adapters::localized_message(e, adapters::language::fr);
        BOOST_TEST(!fr.empty());
        BOOST_TEST(fr.find("English") == std::string::npos);
    }
    auto const e = domain::make_error(domain::errc::invalid_request, "messages[0].role must be one of ...",
                                      "messages[0].role");
    BOOST_TEST(adapters::localized_message(e, adapters::language::fr) ==
               "La requête est invalide (paramètre « messages[0].role »).");
    BOOST_TEST(adapters::localized_message(e, adapters::language::en) == e.message);
}

BOOST_AUTO_TEST_SUITE_END()
