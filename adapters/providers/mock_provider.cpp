// Deterministic mock completions, streams and embeddings.
#include "adapters/providers/mock_provider.hpp"

#include "adapters/providers/json_exchange.hpp"
#include "domain/mock_model.hpp"
#include "domain/openai_wire.hpp"

namespace switchboard::adapters {
namespace json = boost::json;

net::awaitable<attempt_result<domain::chat_completion>>
mock_provider::chat(domain::chat_request const& r, std::string_view model, attempt_context const& ctx) {
    co_return domain::mock_chat_completion(r, model, "chatcmpl-" + std::string(ctx.request_id), unix_now());
}

net::awaitable<attempt_result<stream_result>> mock_provider::chat_stream(domain::chat_request const& r,
                                                                               std::string_view model,
                                                                               attempt_context const& ctx,
                                                                               chat_stream_sink& sink) {
    auto reply = domain::mock_chat_reply(r, model);
    std::string const id = "chatcmpl-" + std::string(ctx.request_id);
    std::int64_t const created = unix_now();
    auto chunk = [&](json::object delta, json::value finish) {
        return json::object{{"id", id},
                            {"object", "chat.completion.chunk"},
                            {"created", created},
                            {"model", model},
                            {"choices", json::array{json::object{{"index", 0},
                                                                 {"delta", std::move(delta)},
                                                                 {"logprobs", nullptr},
                                                                 {"finish_reason", std::move(finish)}}}}};
    };
    // (Chunks are built before each co_await: GCC 12 miscompiles literals inside co_await.)
    stream_result result{reply.usage, std::string(model), reply.finish_reason, 0};
    json::object first = chunk(json::object{{"role", "assistant"}, {"content", ""}}, nullptr);
    bool open = co_await sink.on_chunk(std::move(first));
    for (std::size_t i = 0; open && i < reply.pieces.size(); ++i) {
        json::object next = chunk(json::object{{"content", reply.pieces[i]}}, nullptr);
        open = co_await sink.on_chunk(std::move(next));
    }
    if (open) {
        json::object last = chunk(json::object{}, json::string(reply.finish_reason));
        co_await sink.on_chunk(std::move(last));
    }
    co_return result;
}

net::awaitable<attempt_result<domain::embedding_result>>
mock_provider::embed(domain::embedding_request const& r, std::string_view model, attempt_context const&) {
    auto const values = static_cast<std::int64_t>(r.input_count) * r.dimensions.value_or(domain::mock_default_dimensions);
    if (values > domain::mock_max_embedding_values)
        co_return domain::attempt_error{domain::attempt_failure::upstream_status, 400,
                                        "The mock provider answers at most " +
                                            std::to_string(domain::mock_max_embedding_values) +
                                            " embedding values (inputs x dimensions) a request",
                                        "dimensions", {}, {}};
    co_return domain::mock_embeddings(r, model);
}

net::awaitable<attempt_result<void>> mock_provider::probe(attempt_context const&) {
    co_return attempt_result<void>{};
}

} // namespace switchboard::adapters
