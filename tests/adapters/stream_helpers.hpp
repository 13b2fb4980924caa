#pragma once
// OpenAI-format streams for tests: request bodies, upstream SSE replies, and the client's view of
// a streamed answer.
#include "tests/support/mock_upstream.hpp"
#include "tests/support/test_client.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace switchboard::testing {

// A streamed chat body (with stream_options.include_usage when `usage`).
std::string stream_body(std::string const& model, std::string const& text = "Hello", bool usage = true);
std::string openai_chunk(std::string const& content, std::string const& finish = "");
std::string openai_role();
// A whole OpenAI-format stream of `words`, with usage 11 + N and [DONE].
std::vector<canned_reply::piece> openai_stream(std::vector<std::string> const& words, bool done = true);

// The client's view of a stream.
struct received {
    int status = 0;
    std::string content;
    std::vector<boost::json::object> chunks;
    std::optional<boost::json::object> error;
    std::optional<boost::json::object> usage;
    bool done = false;
    std::string finish_reason;
    int role_chunks = 0;
};
received read_stream(client_response const& res);

} // namespace switchboard::testing
