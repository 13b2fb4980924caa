// Cached answers to and from the shared cache's JSON.
#include "adapters/cache/answer_codec.hpp"

#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
constexpr std::int64_t codec_version = 1;

std::optional<std::string> text_of(json::object const& o, std::string_view name) {
    auto const* v = o.if_contains(name);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
}

std::optional<std::int64_t> count_of(json::object const& o, std::string_view name) {
    auto const* v = o.if_contains(name);
    if (!v || !v->is_int64() || v->as_int64() < 0) return std::nullopt;
    return v->as_int64();
}
// A REST answer's freshness and validator, when it has them (a model's answer has neither).
bool read_revalidation(json::object const& o, std::int64_t stored_unix_ms, cached_answer& a) {
    if (o.contains("fresh_until_unix_ms")) {
        auto const until = count_of(o, "fresh_until_unix_ms");
        if (!until || *until < stored_unix_ms) return false;
        a.fresh_until_ms = a.stored_ms + (*until - stored_unix_ms);
    }
    for (auto [name, field] : {std::pair{"validator", &cached_answer::validator},
                               std::pair{"served_by", &cached_answer::served_by}}) {
        if (!o.contains(name)) continue;
        auto text = text_of(o, name);
        if (!text || text->empty()) return false;
        a.*field = std::move(*text);
    }
    return true;
}
} // namespace

std::string encode_answer(cached_answer const& a, std::int64_t stored_unix_ms) {
    json::array tags;
    for (auto const& t : a.tags) tags.emplace_back(t);
    json::object o{{"v", codec_version},
                   {"body", a.body},
                   {"model", a.model},
                   {"deployment_model", a.deployment_model},
                   {"prompt_tokens", a.usage.prompt_tokens},
                   {"completion_tokens", a.usage.completion_tokens},
                   {"cost_usd", a.cost_usd},
                   {"ns", a.cache_namespace},
                   {"tags", std::move(tags)},
                   {"stored_unix_ms", stored_unix_ms}};
    if (a.fresh_until_ms != 0) // on the wall clock: as far after the store as on the cache's
        o["fresh_until_unix_ms"] = stored_unix_ms + std::max<std::int64_t>(0, a.fresh_until_ms - a.stored_ms);
    if (!a.validator.empty()) o["validator"] = a.validator;
    if (!a.served_by.empty()) o["served_by"] = a.served_by;
    return json::serialize(o);
}

std::optional<cached_answer> decode_answer(std::string_view entry, answer_clocks const& clocks) {
    auto parsed = domain::parse_json(entry);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    auto const& o = parsed->as_object();
    auto const version = count_of(o, "v");
    if (!version || *version != codec_version) return std::nullopt;
    cached_answer a;
    auto body = text_of(o, "body");
    auto model = text_of(o, "model");
    auto deployment_model = text_of(o, "deployment_model");
    auto ns = text_of(o, "ns");
    auto prompt = count_of(o, "prompt_tokens");
    auto completion = count_of(o, "completion_tokens");
    auto stored = count_of(o, "stored_unix_ms");
    auto const* cost = o.if_contains("cost_usd");
    auto const* tags = o.if_contains("tags");
    if (!body || !model || !deployment_model || !ns || !prompt || !completion || !stored || !cost ||
        !cost->is_number() || !tags || !tags->is_array())
        return std::nullopt;
    a.body = std::move(*body);
    a.model = std::move(*model);
    a.deployment_model = std::move(*deployment_model);
    a.cache_namespace = std::move(*ns);
    a.usage = {*prompt, *completion};
    a.cost_usd = cost->to_number<double>();
    if (!std::isfinite(a.cost_usd) || a.cost_usd < 0) return std::nullopt;
    for (auto const& t : tags->as_array()) {
        if (!t.is_string()) return std::nullopt;
        a.tags.emplace_back(t.as_string());
    }
    auto const age = std::max<std::int64_t>(0, clocks.unix_now_ms - *stored);
    a.stored_ms = clocks.local_now_ms - age;
    a.expires_ms = clocks.local_now_ms + std::max<std::int64_t>(0, clocks.remaining_ms);
    if (!read_revalidation(o, *stored, a)) return std::nullopt;
    return a;
}

} // namespace switchboard::adapters
