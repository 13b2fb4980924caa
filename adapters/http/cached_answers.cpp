// Cache hits answered at the doors, served answers kept.
#include "adapters/http/cached_answers.hpp"

#include "adapters/cache/answer_codec.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/openai_wire.hpp"

#include <boost/asio/co_spawn.hpp>
#include <cstdio>
#include <boost/asio/detached.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
domain::deployment cache_deployment(std::string const& model) {
    domain::deployment d;
    d.provider = "cache";
    d.model = model;
    return d;
}

request_record hit_record(cached_answer const& hit) {
    request_record r;
    r.provider = "cache";
    r.model = hit.deployment_model;
    r.model_label = "other";
    r.served = true;
    r.cache = "hit";
    r.saved_usd = hit.cost_usd;
    return r;
}

// Whether the served answer may be kept: the plan writes, and it came from the group's first
// deployment unless a fallback's answer may stand for the group.
bool keepable(cache_use const& use, request_record const& record) {
    return use.plan.write && (!record.fell_back || (use.settings && use.settings->fallback_answers));
}
} // namespace

dispatch_result<domain::chat_completion> whole_from_cache(cached_answer const& hit) {
    domain::chat_completion answer;
    answer.relayed = hit.body;
    answer.model = hit.model;
    return dispatched<domain::chat_completion>{std::move(answer), cache_deployment(hit.deployment_model), 0, 0.0, std::nullopt,
                                               hit_record(hit)};
}

net::awaitable<dispatch_result<stream_result>> stream_from_cache(cached_answer const& hit, stream_client& client,
                                                                std::string const& request_id) {
    auto parsed = domain::parse_json(hit.body);
    json::object completion;
    if (parsed && parsed->is_object()) completion = json::object(parsed->as_object(), json::storage_ptr());
    auto chunks = domain::completion_chunks(completion, "chatcmpl-" + request_id, unix_now());
    stream_result result{hit.usage, hit.model, {}, 0};
    if (!chunks.empty()) { // the finish reason is the last chunk's (read before the chunks are sent)
        auto const& last = chunks.back().at("choices").at(0).at("finish_reason");
        if (last.is_string()) result.finish_reason = last.as_string();
    }
    auto const served = cache_deployment(hit.deployment_model);
    std::optional<json::object> opening;
    if (!chunks.empty()) opening = std::move(chunks.front());
    bool open = co_await client.begin(served, std::move(opening));
    for (std::size_t i = 1; open && i < chunks.size(); ++i) open = co_await client.on_chunk(std::move(chunks[i]));
    co_return dispatched<stream_result>{std::move(result), served, 0, 0.0, std::nullopt, hit_record(hit)};
}

net::awaitable<bool> recording_client::begin(domain::deployment const& served, std::optional<json::object> opening) {
    deployment_model_ = served.model;
    if (opening) {
        built_.add(*opening);
        if (live_) live_->add_chunk(*opening, deployment_model_);
    }
    co_return co_await inner_.begin(served, std::move(opening));
}

net::awaitable<bool> recording_client::on_chunk(json::object chunk) {
    built_.add(chunk);
    if (live_) live_->add_chunk(chunk, deployment_model_);
    co_return co_await inner_.on_chunk(std::move(chunk));
}

namespace {
std::string finish_reason_of(std::string_view completion) {
    auto parsed = domain::parse_json(completion);
    if (!parsed || !parsed->is_object()) return {};
    auto const* choices = parsed->as_object().if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty() || !choices->as_array()[0].is_object()) return {};
    auto const* reason = choices->as_array()[0].as_object().if_contains("finish_reason");
    return reason && reason->is_string() ? std::string(reason->as_string()) : std::string{};
}

dispatch_failure follower_failure(domain::errc code, std::string message) {
    request_record r;
    r.provider = "cache";
    r.model_label = "other";
    r.cache = "coalesced";
    return dispatch_failure{domain::make_error(code, std::move(message)), 0, "cache", r};
}
} // namespace

net::awaitable<std::optional<dispatch_result<stream_result>>>
follow_stream(response_cache& cache, cache_use& use, stream_client& client, std::string const& request_id,
              std::chrono::steady_clock::time_point until) {
    std::size_t next = 0;
    bool begun = false;
    std::string deployment_model;
    for (;;) {
        auto batch = co_await use.following->chunks_from(next, until);
        for (auto& chunk : batch.chunks) {
            ++next;
            bool open = true;
            if (!begun) {
                begun = true;
                deployment_model = batch.deployment_model;
                auto const served = cache_deployment(deployment_model);
                open = co_await client.begin(served, std::move(chunk));
            } else {
                open = co_await client.on_chunk(std::move(chunk));
            }
            if (!open)
                co_return dispatch_result<stream_result>(
                    follower_failure(domain::errc::client_closed, "The client closed the connection"));
        }
        if (batch.landed) {
            auto answer = std::move(batch.answer);
            if (!answer) {
                if (!begun) {
                    use.following.reset();
                    use.status = cache_status::miss;
                    cache.note_miss();
                    co_return std::nullopt;
                }
                co_return dispatch_result<stream_result>(follower_failure(
                    domain::errc::upstream_error, "The identical call this stream was relaying failed before its end"));
            }
            cache.note_coalesced(*answer);
            if (!begun) { // the leader answered whole: its answer, replayed
                auto replayed = co_await stream_from_cache(*answer, client, request_id);
                replayed->record.cache = "coalesced";
                co_return replayed;
            }
            stream_result result{answer->usage, answer->model, finish_reason_of(answer->body), 0};
            auto record = hit_record(*answer);
            record.cache = "coalesced";
            co_return dispatch_result<stream_result>(dispatched<stream_result>{
                std::move(result), cache_deployment(deployment_model), 0, 0.0, std::nullopt, std::move(record)});
        }
        if (batch.chunks.empty() && std::chrono::steady_clock::now() >= until)
            co_return dispatch_result<stream_result>(
                follower_failure(domain::errc::timeout, "The request deadline passed"));
    }
}

namespace {
// Stored (when the plan allows), then handed to the calls that waited: a new identical call
// finds it in the cache rather than leading a flight of its own.
net::awaitable<void> keep_shared(cache_store* store, cache_address at, std::string entry, std::chrono::milliseconds ttl,
                                 std::vector<std::string> tags) {
    try {
        co_await store->keep(at, std::move(entry), ttl, tags);
    } catch (std::exception const&) {
        // Kept here only; the lease ends at its TTL.
    }
}

net::awaitable<void> keep_similar_shared(cache_store* store, semantic_record record) {
    try {
        co_await store->keep_similar(record);
    } catch (std::exception const&) {
        // This instance still finds it; the others do not.
    }
}

// The prompt's embedding, pointing at the kept answer (semantic cache).
void keep_similar(response_cache& cache, cache_use& use, cached_answer const& kept) {
    if (use.prompt_vector.empty()) return;
    cache.similar().add({use.prompt_vector, use.similar_rest, use.key, kept.cache_namespace, kept.expires_ms});
    if (!use.shared) return;
    semantic_record record{use.key, use.similar_rest, kept.cache_namespace,
                           unix_now_ms() + (kept.expires_ms - cache.now_ms()), std::move(use.prompt_vector)};
    net::co_spawn(use.executor, keep_similar_shared(use.shared, std::move(record)), net::detached);
}

// The kept answer in the shared store too, within its size cap (encoded only when there is one).
void keep_in_shared_store(response_cache& cache, cache_use& use, cached_answer const& kept) {
    if (!use.shared) return;
    auto entry = encode_answer(kept, unix_now_ms());
    if (entry.size() > cache.options().shared_max_entry_bytes) return;
    net::co_spawn(use.executor,
                  keep_shared(use.shared, use.address(), std::move(entry),
                              std::chrono::duration_cast<std::chrono::milliseconds>(use.plan.ttl), kept.tags),
                  net::detached);
    if (use.lease) use.lease->kept(); // the keep gives it back
}

void keep(response_cache& cache, cache_use& use, request_record const& record, cached_answer answer) {
    if (keepable(use, record)) {
        auto const landed = keep_answer(cache, use, std::move(answer));
        keep_similar(cache, use, *landed);
    } else if (use.lead) {
        use.lead->land(std::make_shared<cached_answer const>(std::move(answer)));
    }
}
} // namespace

std::shared_ptr<cached_answer const> keep_answer(response_cache& cache, cache_use& use, cached_answer answer) {
    auto landed = cache.store(use.key, use.plan, std::move(answer));
    keep_in_shared_store(cache, use, *landed);
    if (use.lead) use.lead->land(landed);
    return landed;
}

void keep_whole(response_cache& cache, cache_use& use, dispatched<domain::chat_completion> const& served,
                std::string const& body) {
    cached_answer answer;
    answer.body = body;
    answer.model = served.value.model;
    answer.deployment_model = served.served.model; // never the provider's text in a header
    answer.usage = served.value.usage;
    answer.cost_usd = served.cost_usd;
    keep(cache, use, served.record, std::move(answer));
}

void keep_stream(response_cache& cache, cache_use& use, dispatched<stream_result> const& served,
                 domain::completion_builder const& built) {
    // A stream that never reached its finish reason is not a whole answer: nothing is kept or
    // shared (the lead lands nothing when the call ends).
    if (served.value.finish_reason.empty() || built.finish_reason().empty()) return;
    cached_answer answer;
    answer.body = json::serialize(built.completion(served.value.usage, unix_now()));
    answer.model = served.value.model;
    answer.deployment_model = served.served.model; // never the provider's text in a header
    answer.usage = served.value.usage;
    answer.cost_usd = served.cost_usd;
    keep(cache, use, served.record, std::move(answer));
}

void mark_cache(http_response& res, cache_use const& use, std::int64_t now_ms) {
    res.set("x-switchboard-cache", cache_status_name(use.status));
    if (use.hit && use.status == cache_status::hit && use.similarity > 0) { // a paraphrase's answer
        char text[16];
        std::snprintf(text, sizeof text, "%.4f", use.similarity);
        res.set("x-switchboard-cache-similarity", text);
    }
    // A coalesced answer is as fresh as can be: no Age.
    if (use.hit && use.status == cache_status::hit)
        res.set(http::field::age, std::to_string(std::max<std::int64_t>(0, now_ms - use.hit->stored_ms) / 1000));
}

} // namespace switchboard::adapters
