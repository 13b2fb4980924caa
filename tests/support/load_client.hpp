#pragma once
// Many HTTP calls at once from one test thread: each call its own connection and coroutine, all
// on one io_context, all bounded by `limit` (a call still unanswered then reports status 0).
// A call that fails reports status 0, its time, and as its body the step that failed and why.
#include "tests/support/test_client.hpp"

namespace switchboard::testing {

struct call_spec {
    unsigned short port = 0;
    std::string method = "POST";
    std::string target = "/v1/chat/completions";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct timed_response {
    client_response response;
    std::chrono::milliseconds elapsed{0};
};

std::vector<timed_response> concurrent_calls(std::vector<call_spec> const& calls,
                                             std::chrono::milliseconds limit = std::chrono::seconds(30));

} // namespace switchboard::testing
