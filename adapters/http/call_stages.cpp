// The stages of a provider call shared by the HTTP and WebSocket doors (call_stages.hpp).
#include "adapters/http/call_stages.hpp"

#include "domain/cache/cache_key.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/openai_wire.hpp"

#include <memory>

namespace switchboard::adapters {
using domain::errc;

net::awaitable<std::unique_ptr<domain::gateway_error>> api_router::run_stages(std::span<call_stage const> stages,
                                                                              call_exchange& x) {
    for (auto const& stage : stages) {
        stage_verdict ended;
        if (stage.now)
            ended = (this->*stage.now)(x);
        else
            ended = co_await (this->*stage.waits)(x);
        if (ended) co_return std::make_unique<domain::gateway_error>(std::move(*ended));
    }
    co_return nullptr;
}

// HTTP: the body as a validated chat request. A body byte for byte one this core answered from
// the cache before takes that parse (known_bodies); any other is decoded and parsed. Only with a
// cache: the bodies kept are those of cache hits.
api_router::stage_verdict api_router::decode_chat(call_exchange& x) {
    if (services_.cache) {
        x.recalled = known_bodies::this_core().find(x.head.body());
        if (x.recalled) {
            x.chat = x.recalled->chat;
            note_chat(x);
            return std::nullopt;
        }
        x.recallable = true;
    }
    if (auto ended = decode_body(x)) return ended;
    return parse_chat(x);
}

api_router::stage_verdict api_router::decode_body(call_exchange& x) {
    auto body = domain::parse_json_checked(x.head.body());
    // A key given twice in one object: two readers of the body (this gateway, the provider)
    // could each see a different value. Refused, naming the key.
    if (body.problem == domain::checked_json::flaw::duplicate_key) {
        auto const shown = domain::truncate_for_message(body.duplicate_key, 64);
        return domain::make_error(errc::invalid_request, "The key '" + shown + "' appears twice in one object",
                                     shown);
    }
    if (!body)
        return domain::make_error(
            errc::invalid_request, "We could not parse the JSON body of your request. The body must be valid JSON.");
    // Move-constructed in place: a json::value move-*assigned* across memory resources (the
    // parse's arena, the default one) copies the whole tree.
    std::destroy_at(&x.body);
    std::construct_at(&x.body, std::move(body.value));
    return std::nullopt;
}

api_router::stage_verdict api_router::parse_chat(call_exchange& x) {
    auto chat = domain::parse_chat_request(std::move(x.body));
    if (!chat) return chat.error();
    x.chat = std::make_shared<domain::chat_request const>(std::move(*chat));
    note_chat(x);
    return std::nullopt;
}

void api_router::note_chat(call_exchange& x) {
    x.scope.model_group = x.chat->model;
    if (auto const* user = x.chat->body.if_contains("user"); user && user->is_string())
        x.scope.end_user = utf8_prefix(user->as_string(), 128); // made well-formed where it is stored
}

api_router::stage_verdict api_router::parse_embedding(call_exchange& x) {
    auto embedding = domain::parse_embedding_request(std::move(x.body));
    if (!embedding) return embedding.error();
    x.embedding = std::make_unique<domain::embedding_request>(std::move(*embedding));
    x.scope.model_group = x.embedding->model;
    return std::nullopt;
}

api_router::stage_verdict api_router::read_hints(call_exchange& x) {
    auto hints = hints_of(x.head, x.request_id, x.scope);
    if (!hints) return hints.error();
    x.hints = std::move(*hints);
    return std::nullopt;
}

net::awaitable<api_router::stage_verdict> api_router::admit_call(call_exchange& x) {
    auto admitted = co_await admit(x.limit_route, x.scope, true);
    x.admitted = std::make_unique<admission>(std::move(admitted));
    if (auto const* refused = x.admitted->refused_before_serving()) co_return **refused;
    x.scope.admission = x.admitted->running();
    co_return std::nullopt;
}

std::chrono::steady_clock::time_point api_router::deadline_of(request_hints const& hints) const {
    auto const limit = dispatch_.catalog().request_timeout;
    return std::chrono::steady_clock::now() + (hints.timeout ? std::min(*hints.timeout, limit) : limit);
}

// The cache's plan for the call (its group's settings, the client's headers, the caller's
// tenant), and the answer it already holds if it may read one.
net::awaitable<api_router::stage_verdict> api_router::look_up_cache(call_exchange& x) {
    auto* cache = services_.cache;
    if (!cache) co_return std::nullopt;
    auto control = domain::parse_cache_control(x.head[http::field::cache_control], x.head["x-switchboard-cache-ttl"],
                                               x.head["x-switchboard-cache-namespace"],
                                               x.head["x-switchboard-cache-tags"],
                                               x.head["x-switchboard-cache-semantic"]);
    if (!control) co_return control.error();
    x.cache = std::make_unique<cache_use>();
    auto& use = *x.cache;
    use.settings = &cache->settings_for(x.chat->model);
    // Under pressure, P1 and P2 calls read the cache before they are shed or queued (seed 003).
    bool const pressed = dispatch_.mode() != domain::gateway_mode::normal &&
                         (x.hints.priority == domain::priority::p1 || x.hints.priority == domain::priority::p2);
    use.plan = domain::plan_cache(*use.settings, *control, *x.chat, x.scope.caller.tenant, cache->shared_namespace(),
                                  pressed);
    if (!use.plan.any()) {
        cache->note_bypass();
        co_return std::nullopt;
    }
    // A recalled body's key is taken only under the namespace it was computed for.
    if (x.recalled && x.recalled->cache_namespace == use.plan.cache_namespace)
        use.key = x.recalled->cache_key;
    else
        use.key = response_cache::key_of(domain::cache_identity("chat", use.plan.cache_namespace, x.chat->body));
    use.shared = services_.shared_cache;
    use.lease_id = x.request_id;
    co_await look_up(*cache, use, deadline_of(x.hints), x.chat->stream);
    if (use.hit && x.recallable) // a repeat: the next one takes this parse
        known_bodies::this_core().keep(x.head.body(), x.chat, use.plan.cache_namespace, use.key);
    co_return std::nullopt;
}

} // namespace switchboard::adapters
