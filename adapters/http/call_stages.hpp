#pragma once
// The stages of one provider call, the same for every door: an HTTP request to /v1/chat/completions
// or /v1/embeddings, a chat.stream.start message on the WebSocket. Each stage takes the call's
// exchange, reads what the door and the stages before it put there, adds its own part, and either
// passes (nullopt) or ends the call with the error its client gets. A stage that never waits is a
// plain function, one that may wait a coroutine (api_router::call_stage).
//
//   HTTP       route → media type → identify → admit (the route's limit) ─┐
//   WebSocket  upgrade: identify → origin → admit; each message: envelope ─┤
//                                                                          ▼
//              [decode] → parse → allow_model → hints → [admit] → cache → similar → dispatch → answer → observe
//                                                        (a hit, exact or similar, answers instead of dispatch)
//
// dispatch is the call machine (dispatcher.hpp): reservation of the tenant quota, the budget,
// the attempts, settlement. A new capability of every call (a cache lookup, a REST call type)
// is a stage in these lists, not a branch in a door.
#include "adapters/cache/known_bodies.hpp"
#include "adapters/http/api_router.hpp"
#include "adapters/http/cached_answers.hpp"
#include "adapters/limits/admission.hpp"
#include "domain/chat_request.hpp"
#include "domain/embedding_request.hpp"

#include <memory>
#include <optional>
#include <span>

namespace switchboard::adapters {

struct api_router::call_exchange {
    // From the door:
    http_request const& head;      // the call's headers (on a WebSocket: its upgrade request's)
    std::string const& request_id;
    request_scope& scope;          // who calls (identified by the door); what serving did
    boost::json::value body;       // the call's JSON (the HTTP door's is decoded by a stage)
    std::string_view limit_route = {}; // where a stage admits it, the route whose limits count
    // From the stages:
    std::shared_ptr<domain::chat_request const> chat; // validated, never changed (shared with known_bodies)
    // The HTTP door's body as this core parsed it before (decode_chat), or whether it may be kept
    // for the next identical body (it was not, and its call reads the cache).
    std::shared_ptr<known_bodies::entry const> recalled;
    bool recallable = false;
    // (The parts only some calls have are on the heap when they have them: a streamed call keeps
    // its exchange for as long as it streams.)
    std::unique_ptr<domain::embedding_request> embedding;
    request_hints hints;
    std::unique_ptr<admission> admitted; // a door that leaves the inbound limit to the stages
    std::unique_ptr<cache_use> cache;  // the cache's part (unset: no cache on this gateway)
    // A streamed miss's chunks on their way, built into the answer kept (dispatch_stream sets it;
    // here rather than in a frame of its own, which the stream would keep as long as it streams).
    std::unique_ptr<recording_client> recorder;
    // A named AI route's call: the route, and the chat request its templates made of the body.
    domain::ai::ai_route const* named = nullptr;
    std::unique_ptr<boost::json::object const> named_chat;
};

// HTTP: the route was admitted by its door; the body is decoded here.
// decode_chat: decode_body then parse_chat, or this core's earlier parse of the same bytes.
inline constexpr api_router::call_stage http_chat_stages[] = {&api_router::decode_chat,
                                                              &api_router::allow_model, &api_router::read_hints,
                                                              &api_router::look_up_cache,
                                                              &api_router::look_up_similar};
inline constexpr api_router::call_stage http_embedding_stages[] = {
    &api_router::decode_body, &api_router::parse_embedding, &api_router::allow_model, &api_router::read_hints};
// WebSocket: the envelope gave the body; each start counts against /v1/chat/completions.
inline constexpr api_router::call_stage ws_chat_stages[] = {&api_router::parse_chat, &api_router::allow_model,
                                                            &api_router::read_hints, &api_router::admit_call,
                                                            &api_router::look_up_cache,
                                                            &api_router::look_up_similar};

} // namespace switchboard::adapters
