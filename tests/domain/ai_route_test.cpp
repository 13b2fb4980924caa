// Named AI routes in the domain: paths with a {tenant}, the chat request a body makes (schema,
// templates, parameters, structured output), the model's answer read against the response
// schema, the repair request, the answer's shape.
#include "domain/ai/ai_route.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace ai = switchboard::domain::ai;
namespace json = boost::json;
using switchboard::domain::errc;

namespace {
ai::ai_route recommendations() {
    ai::ai_route r;
    r.name = "recommendations";
    r.path = "/api/recommendations";
    r.model = "gifts";
    r.request_schema = ai::json_schema::compile(json::parse(
                                                    R"({"type":"object","required":["query"],"additionalProperties":false,
                                                        "properties":{"query":{"type":"string","maxLength":200},
                                                                      "context":{"type":"object"},"temperature":{"type":"number"}}})"))
                           .value();
    r.system = ai::prompt_template::compile("You suggest gifts. Answer JSON.").value();
    r.prompt = ai::prompt_template::compile(
                   "Gift for: {{query}}{{#context}} (occasion: {{occasion}}, likes: {{#likes}}{{.}} {{/likes}}){{/context}}")
                   .value();
    r.pass = {{"temperature", "temperature"}};
    r.defaults = json::object{{"temperature", 0}, {"max_tokens", 300}};
    r.response_schema = ai::json_schema::compile(json::parse(
                                                     R"({"type":"array","items":{"type":"object","required":["name"],
                                                         "properties":{"name":{"type":"string"}}}})"))
                            .value();
    r.answer_field = "recommendations";
    return r;
}
} // namespace

BOOST_AUTO_TEST_SUITE(ai_route)

BOOST_AUTO_TEST_CASE(paths_match_exactly_or_through_their_tenant_segment) {
    ai::ai_route r;
    r.path = "/api/v1/{tenant}/ai/chat";
    BOOST_TEST(ai::match_path(r, "/api/v1/acme/ai/chat").value() == "acme");
    BOOST_TEST(!ai::match_path(r, "/api/v1/acme/ai/chat/x").has_value());
    BOOST_TEST(!ai::match_path(r, "/api/v1/a%20b/ai/chat").has_value()); // not a tenant name
    BOOST_TEST(!ai::match_path(r, "/api/v1//ai/chat").has_value());
    r.path = "/api/recommendations";
    BOOST_TEST(ai::match_path(r, "/api/recommendations").value().empty());
    BOOST_TEST(!ai::match_path(r, "/api/recommendation").has_value());
    BOOST_TEST(ai::valid_route_path("/api/v1/{tenant}/ai/chat"));
    BOOST_TEST(!ai::valid_route_path("/api/{tenant}/{tenant}"));
    BOOST_TEST(!ai::valid_route_path("/api/../admin"));
    BOOST_TEST(!ai::valid_route_path("api/x"));
    BOOST_TEST(!ai::valid_route_path("/api/{name}"));
}

BOOST_AUTO_TEST_CASE(a_body_becomes_the_routes_chat_request) {
    auto const body = json::parse(
        R"({"query":"a book lover","context":{"occasion":"birthday","likes":["poetry","tea"]},"temperature":0.5})");
    auto chat = ai::chat_body_of(recommendations(), body);
    BOOST_TEST_REQUIRE(chat.has_value());
    BOOST_TEST(chat->at("model").as_string() == "gifts");
    auto const& messages = chat->at("messages").as_array();
    BOOST_TEST_REQUIRE(messages.size() == 2u);
    BOOST_TEST(messages[0].at("role").as_string() == "system");
    BOOST_TEST(messages[1].at("content").as_string() ==
               "Gift for: a book lover (occasion: birthday, likes: poetry tea )");
    BOOST_TEST(chat->at("temperature").to_number<double>() == 0.5); // passed from the body
    BOOST_TEST(chat->at("max_tokens").to_number<int>() == 300);     // the route's default
    BOOST_TEST(chat->at("response_format").at("type").as_string() == "json_schema");
    BOOST_TEST(chat->at("response_format").at("json_schema").at("schema").at("type").as_string() == "array");
}

BOOST_AUTO_TEST_CASE(nothing_is_html_escaped_in_a_prompt) {
    auto r = recommendations();
    auto chat = ai::chat_body_of(r, json::parse(R"({"query":"<b>Tom & Jerry's</b> \"fan\""})"));
    BOOST_TEST_REQUIRE(chat.has_value());
    BOOST_TEST(chat->at("messages").as_array()[1].at("content").as_string() == R"(Gift for: <b>Tom & Jerry's</b> "fan")");
}

BOOST_AUTO_TEST_CASE(a_body_the_schema_refuses_is_a_400_naming_where) {
    auto bad = ai::chat_body_of(recommendations(), json::parse(R"({"query":42})"));
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().code == errc::invalid_request);
    BOOST_TEST(bad.error().message.find("query") != std::string::npos, bad.error().message);
    BOOST_TEST(!ai::chat_body_of(recommendations(), json::parse(R"({"query":"x","extra":1})")).has_value());
    BOOST_TEST(!ai::chat_body_of(recommendations(), json::parse(R"([1,2])")).has_value());
}

BOOST_AUTO_TEST_CASE(a_messages_route_takes_the_bodys_conversation) {
    ai::ai_route r;
    r.name = "chat";
    r.model = "m";
    r.messages_field = "messages";
    r.pass = {{"max_tokens", "maxTokens"}};
    auto chat = ai::chat_body_of(r, json::parse(R"({"messages":[{"role":"user","content":"Hello AI!"}],"maxTokens":10})"));
    BOOST_TEST_REQUIRE(chat.has_value());
    BOOST_TEST(json::serialize(chat->at("messages")) == R"([{"role":"user","content":"Hello AI!"}])");
    BOOST_TEST(chat->at("max_tokens").to_number<int>() == 10);
    BOOST_TEST(!chat->contains("response_format"));
    auto missing = ai::chat_body_of(r, json::parse(R"({"text":"hi"})"));
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().param == "messages");
}

BOOST_AUTO_TEST_CASE(the_models_answer_is_read_against_the_response_schema) {
    auto const r = recommendations();
    auto ok = ai::read_model_answer(r, R"([{"name":"A poetry anthology"}])");
    BOOST_TEST(ok.ok());
    BOOST_TEST(json::serialize(ok.value) == R"([{"name":"A poetry anthology"}])");
    auto fenced = ai::read_model_answer(r, "Here you go:\n```json\n[{\"name\":\"Tea set\"}]\n```");
    BOOST_TEST(fenced.ok());
    BOOST_TEST(!ai::read_model_answer(r, "I suggest a book.").ok());
    auto wrong = ai::read_model_answer(r, R"([{"title":"x"}])");
    BOOST_TEST_REQUIRE(!wrong.ok());
    BOOST_TEST(wrong.violations.front().find("name") != std::string::npos, wrong.violations.front());
    ai::ai_route text_route;
    BOOST_TEST(ai::read_model_answer(text_route, "plain text").value.as_string() == "plain text");
}

BOOST_AUTO_TEST_CASE(the_repair_shows_the_model_its_answer_and_what_was_wrong) {
    auto chat = ai::chat_body_of(recommendations(), json::parse(R"({"query":"x"})")).value();
    auto repaired = ai::repair_body(chat, "not json", {"$: the answer is not JSON"});
    auto const& messages = repaired.at("messages").as_array();
    BOOST_TEST_REQUIRE(messages.size() == 4u);
    BOOST_TEST(messages[2].at("role").as_string() == "assistant");
    BOOST_TEST(messages[2].at("content").as_string() == "not json");
    BOOST_TEST(std::string(messages[3].at("content").as_string()).find("the answer is not JSON") != std::string::npos);
    BOOST_TEST(repaired.contains("response_format"));
}

BOOST_AUTO_TEST_CASE(the_answer_has_the_seeds_shape) {
    ai::served_facts facts{"together", "llama", false, 0.00012, {150, 200}};
    auto out = ai::route_answer(recommendations(), json::value("Je vous recommande…"), facts);
    BOOST_TEST(json::serialize(out) ==
               R"({"recommendations":"Je vous recommande…","llm_used":"together","model":"llama","cached":false,"cost_usd":1.2E-4,"tokens":{"input":150,"output":200,"total":350}})");
}

BOOST_AUTO_TEST_CASE(templates_and_schemas_that_cannot_work_are_refused) {
    BOOST_TEST(!ai::prompt_template::compile("{{#open}} never closed").has_value());
    BOOST_TEST(ai::prompt_template::compile("plain").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
