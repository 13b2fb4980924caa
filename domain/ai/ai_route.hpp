#pragma once
// A named AI route: a config-declared endpoint that takes a JSON body (checked against a JSON
// Schema), turns it into a chat call (a Mustache prompt, or the body's own messages), calls a
// model group, and answers a declared shape — seed 001's `POST /api/recommendations` answering
// {recommendations, llm_used, cached, cost_usd, tokens}. With a response schema the model is
// asked for structured output and its answer checked: one repair attempt, then a clean error.
// A path may hold a `{tenant}` segment (seed 002's /api/v1/{tenant}/ai/chat): the call acts for
// that tenant, which the caller's key must be allowed. Pure.
#include "domain/ai/json_schema.hpp"
#include "domain/ai/prompt_template.hpp"
#include "domain/pricing.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace switchboard::domain::ai {

struct ai_route {
    std::string name;
    std::string path;  // "/api/recommendations", "/api/v1/{tenant}/ai/chat"
    std::string model; // a model or group of this gateway
    std::optional<json_schema> request_schema;
    prompt_template system;         // optional system message
    prompt_template prompt;         // the user message (when messages_field is empty)
    std::string messages_field;     // else: the body's field holding OpenAI-shaped messages
    // Chat parameters the body may set: chat name ← body field ("max_tokens" ← "maxTokens").
    std::vector<std::pair<std::string, std::string>> pass;
    boost::json::object defaults;   // chat parameters unless the body sets them (temperature…)
    std::optional<json_schema> response_schema;
    std::string answer_field = "answer";
};

// Whether `path` is this route's; the tenant its {tenant} segment names ("" without one).
std::optional<std::string> match_path(ai_route const& route, std::string_view path);
// A route path as the config may give it: absolute, plain segments, at most one {tenant}.
bool valid_route_path(std::string_view path);

// The OpenAI chat request for `body`: the body checked against the request schema
// (invalid_request naming the first violation's place), the templates filled, the parameters
// passed, structured output asked for when the route has a response schema.
result<boost::json::object> chat_body_of(ai_route const& route, boost::json::value const& body);

// The model's answer as the route answers it: its text, or with a response schema the JSON it
// must be (unset, with the violations, when it is not).
struct read_answer {
    boost::json::value value;
    std::vector<std::string> violations;
    bool ok() const { return violations.empty(); }
};
read_answer read_model_answer(ai_route const& route, std::string_view text);

// The one repair attempt: the same conversation, the model's answer, and what was wrong with it.
boost::json::object repair_body(boost::json::object chat_body, std::string_view answer,
                                std::vector<std::string> const& violations);

struct served_facts {
    std::string llm_used; // the provider
    std::string model;
    bool cached = false;
    double cost_usd = 0;
    token_usage usage;
};
// {<answer_field>: answer, llm_used, model, cached, cost_usd, tokens: {input, output, total}}
boost::json::object route_answer(ai_route const& route, boost::json::value answer, served_facts const& facts);

} // namespace switchboard::domain::ai
