// The semantic cache's stage: an exact miss may be answered by the answer of a paraphrase — a
// prompt whose embedding is at least `threshold` similar, everything else in the request equal,
// in the same namespace. The prompt is embedded by the configured embedding model through this
// gateway's own dispatch (its tenant's usage, at P0, no budget or key limit); an embedding that
// fails leaves the call to its provider (counted), never fails it.
#include "adapters/http/call_stages.hpp"

#include "adapters/cache/answer_codec.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/cache/semantic_key.hpp"

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
// The first embedding of an OpenAI embeddings list, as floats.
std::optional<std::vector<float>> first_vector(json::object const& body) {
    auto const* data = body.if_contains("data");
    if (!data || !data->is_array() || data->as_array().empty()) return std::nullopt;
    auto const* item = data->as_array()[0].if_object();
    auto const* values = item ? item->if_contains("embedding") : nullptr;
    if (!values || !values->is_array() || values->as_array().empty()) return std::nullopt;
    std::vector<float> out;
    out.reserve(values->as_array().size());
    for (auto const& v : values->as_array()) {
        if (!v.is_number()) return std::nullopt;
        out.push_back(static_cast<float>(v.to_number<double>()));
    }
    return out;
}
} // namespace

net::awaitable<std::optional<std::vector<float>>> api_router::embed_prompt(std::string const& prompt,
                                                                          call_exchange const& x) {
    domain::embedding_request request;
    request.model = services_.cache->options().semantic.embedding_model;
    request.texts = {prompt};
    request.input_count = 1;
    request.body = json::object{{"model", request.model}, {"input", prompt}};
    request_hints hints;
    hints.request_id = x.hints.request_id;
    hints.timeout = x.hints.timeout;
    // The gateway's own call, which may save a costlier one: it is not shed with the call's
    // priority under pressure — when the cache matters most.
    hints.priority = domain::priority::p0;
    hints.tenant = x.hints.tenant;
    hints.trace = x.hints.trace;
    auto outcome = co_await dispatch_.embed(request, hints);
    if (!outcome) co_return std::nullopt;
    co_return first_vector(outcome->value.body);
}

net::awaitable<api_router::stage_verdict> api_router::look_up_similar(call_exchange& x) {
    auto* cache = services_.cache;
    if (!cache || !x.cache || x.cache->hit || x.cache->following || !x.cache->plan.semantic ||
        !cache->options().semantic.on())
        co_return std::nullopt;
    auto& use = *x.cache;
    auto parts = domain::semantic_identity(use.plan.cache_namespace, x.chat->body);
    if (!parts) co_return std::nullopt;
    auto vector = co_await embed_prompt(parts->prompt, x);
    if (!vector) {
        cache->note_embedding_failure();
        co_return std::nullopt;
    }
    use.similar_rest = response_cache::key_of(parts->rest);
    use.prompt_vector = std::move(*vector);
    if (!use.plan.read) co_return std::nullopt;
    auto match = cache->similar().find(use.prompt_vector, use.similar_rest, cache->options().semantic.threshold);
    if (!match) co_return std::nullopt;
    auto answer = cache->local(match->key);
    if (!answer && use.shared) {
        try {
            cache_address const at{match->key, use.plan.cache_namespace, use.lease_id};
            auto found = co_await use.shared->look(at, std::chrono::milliseconds(0));
            if (found.entry)
                if (auto decoded = decode_answer(*found.entry, {cache->now_ms(), unix_now_ms(), found.remaining_ms}))
                    answer = cache->adopt(match->key, std::move(*decoded));
        } catch (store_unavailable const&) {
            cache->note_shared_failure();
        }
    }
    if (!answer) { // the answer was cleared or ended: the entry points at nothing
        cache->similar().forget(match->key);
        co_return std::nullopt;
    }
    cache->note_semantic_hit(*answer, use.status == cache_status::miss);
    use.hit = answer;
    use.status = cache_status::hit;
    use.similarity = match->similarity;
    if (use.lead) { // the identical calls waiting here have it too
        use.lead->land(std::move(answer));
        use.lead.reset();
    }
    co_return std::nullopt;
}

} // namespace switchboard::adapters
