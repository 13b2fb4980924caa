#pragma once
// The identity of an answer, for the response cache: the canonical form of everything in a
// request that can change what a model answers, under the cache namespace (the caller's tenant
// unless a shared one is configured). Two requests that differ only in key order, number form
// (1, 1.0, 1e0) or fields that cannot change the answer have one identity; any other difference
// — model or group, messages, tools, response_format, sampling parameters, n, seed — gives
// another. Pure: the adapter hashes the identity (SHA-256) into the store key.
#include "domain/chat_request.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace switchboard::domain {

// Canonical JSON: object keys sorted (by bytes), integers and integral doubles written as
// integers, other doubles in their shortest round-trip form, strings escaped one way.
std::string canonical_json(boost::json::value const& v);

// The body fields left out of an identity: they change how an answer is delivered or logged,
// never what it says (one entry serves streamed and whole requests).
bool answer_neutral_field(std::string_view name);

// "<kind>\n<namespace>\n<canonical body>". `kind` separates operations ("chat", "embeddings").
std::string cache_identity(std::string_view kind, std::string_view cache_namespace,
                           boost::json::object const& body);

} // namespace switchboard::domain
