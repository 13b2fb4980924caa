// The dispatcher as the call machine's runner, with a test double of the provider port: no
// sockets, no upstream. Each scripted outcome is what an attempt returns; the tests check that
// the runner carries the machine's actions out (which deployment is called, with which
// deadline; health reported; the ledger and the record filled) and returns what it decided.
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/dispatch/stream_gate.hpp"
#include "adapters/store/memory_budget_store.hpp"
#include "domain/chat_request.hpp"
#include "domain/openai_wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <deque>
#include <functional>

namespace net = boost::asio;
using namespace switchboard;
using namespace switchboard::adapters;

namespace {
using outcome = attempt_result<domain::chat_completion>;

// The provider port's test double: answers each call with the next scripted outcome and
// remembers what it was asked.
class scripted_provider final : public provider {
  public:
    std::deque<outcome> script;
    std::vector<std::string> models_called;
    std::vector<std::chrono::steady_clock::time_point> deadlines;
    std::vector<std::string> stream_chunks; // streams: the content of each chunk, sent before the outcome

    bool hang = false;    // the call waits until cancelled (a long generation)
    bool aborted = false; // its wait ended by cancellation
    std::function<void()> on_call; // run when called, before answering

    net::awaitable<outcome> chat(domain::chat_request const&, std::string_view model,
                                 attempt_context const& ctx) override {
        models_called.emplace_back(model);
        deadlines.push_back(ctx.deadline);
        if (on_call) on_call();
        if (hang) {
            // An upstream read, bound to the attempt's cancellation slot as the port asks.
            net::steady_timer never(co_await net::this_coro::executor, net::steady_timer::time_point::max());
            auto [ec] = co_await never.async_wait(net::bind_cancellation_slot(ctx.cancel, net::as_tuple(net::use_awaitable)));
            aborted = ec == net::error::operation_aborted;
            co_return domain::attempt_error{domain::attempt_failure::reset};
        }
        co_return next();
    }
    net::awaitable<attempt_result<stream_result>> chat_stream(domain::chat_request const&, std::string_view model,
                                                              attempt_context const& ctx,
                                                              chat_stream_sink& sink) override {
        models_called.emplace_back(model);
        deadlines.push_back(ctx.deadline);
        for (auto const& text : stream_chunks) {
            boost::json::object chunk{{"choices", boost::json::array{boost::json::object{
                                                      {"index", 0}, {"delta", {{"content", text}}}}}}};
            if (!co_await sink.on_chunk(std::move(chunk))) break;
        }
        auto o = next();
        if (!o) co_return o.error();
        co_return stream_result{o->usage, o->model, "stop", 0};
    }
    net::awaitable<attempt_result<domain::embedding_result>> embed(domain::embedding_request const&,
                                                                   std::string_view, attempt_context const&) override {
        co_return domain::attempt_error{domain::attempt_failure::unsupported};
    }
    net::awaitable<attempt_result<void>> probe(attempt_context const&) override {
        co_return attempt_result<void>{};
    }

  private:
    outcome next() {
        if (script.empty()) return domain::attempt_error{domain::attempt_failure::reset};
        auto o = std::move(script.front());
        script.pop_front();
        return o;
    }
};

domain::chat_completion answer(std::string model) {
    domain::chat_completion c;
    c.model = std::move(model);
    c.usage = {12, 3};
    c.body = {{"object", "chat.completion"}};
    return c;
}
domain::attempt_error status(int s) {
    return {domain::attempt_failure::upstream_status, s};
}

class stream_recorder final : public stream_client {
  public:
    std::string text;
    net::awaitable<bool> begin(domain::deployment const&, std::optional<boost::json::object>) override {
        co_return true;
    }
    net::awaitable<bool> on_chunk(boost::json::object chunk) override {
        auto const& delta = chunk.at("choices").as_array()[0].as_object().at("delta").as_object();
        if (auto const* c = delta.if_contains("content")) text += c->as_string();
        co_return true;
    }
};

// Two providers, "a" then "b", in one group "chat"; retries without backoff (no waiting).
struct harness {
    scripted_provider* a;
    scripted_provider* b;
    provider_registry providers;
    usage_ledger ledger;
    resilience_state resilience;
    memory_budget_store budgets;
    std::unique_ptr<dispatcher> dispatch;
    net::io_context context;

    net::cancellation_signal client_gone; // what the HTTP server emits when the client closes

    explicit harness(domain::retry_config retry = {2, domain::duration::zero(), domain::duration::zero()}) {
        auto make = [&](std::string name) {
            auto impl = std::make_unique<scripted_provider>();
            auto* raw = impl.get();
            provider_slot slot;
            slot.impl = std::move(impl);
            slot.attempt_timeout = std::chrono::seconds(7);
            slot.retry = retry;
            slot.breaker.failure_threshold = 2;
            providers.emplace(name, std::move(slot));
            return raw;
        };
        a = make("a");
        b = make("b");
        auto catalog = std::make_shared<gateway_catalog>();
        catalog->routes.providers = {"a", "b"};
        catalog->routes.groups["chat"] = {{"a", "model-a"}, {"b", "model-b"}};
        dispatch = std::make_unique<dispatcher>(catalog, providers, ledger, resilience, budgets, budget_policy{});
    }

    template <class T> T run(net::awaitable<T> call) {
        auto done = net::co_spawn(context, std::move(call), net::use_future);
        context.restart();
        context.run();
        if constexpr (std::is_void_v<T>)
            done.get();
        else
            return done.get();
    }
    dispatch_result<domain::chat_completion> chat(request_hints const& hints = {}, call_context ctx = {}) {
        auto request = domain::parse_chat_request(
            *domain::parse_json(R"({"model":"chat","messages":[{"role":"user","content":"hi"}]})"));
        return run(dispatch->chat(*request, hints, ctx));
    }
    // The client leaves once the current step of the call has suspended.
    std::function<void()> leave_after_this_step() {
        return [this] { net::post(context, [this] { client_gone.emit(net::cancellation_type::terminal); }); };
    }
};
} // namespace

BOOST_AUTO_TEST_SUITE(call_runner)

BOOST_AUTO_TEST_CASE(the_first_deployment_serves_and_the_ledger_and_record_see_it) {
    harness h;
    h.a->script.push_back(answer("model-a-2024"));
    auto const before = std::chrono::steady_clock::now();
    auto r = h.chat();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->served.provider == "a");
    BOOST_TEST(r->attempts == 1);
    BOOST_TEST(r->value.body.at("model").as_string() == "model-a-2024"); // named by the model that answered
    BOOST_TEST(h.a->models_called == std::vector<std::string>{"model-a"});
    BOOST_TEST((h.a->deadlines[0] >= before + std::chrono::seconds(7))); // the attempt timeout
    BOOST_TEST((h.a->deadlines[0] <= std::chrono::steady_clock::now() + std::chrono::seconds(7)));
    auto const& record = r->record; // what was served, reported by the result only
    BOOST_TEST(record.served);
    BOOST_TEST(record.attempts == 1);
    BOOST_TEST(record.provider == "a");
    BOOST_TEST(record.usage.total() == 15);
    auto const totals = h.ledger.snapshot();
    BOOST_TEST_REQUIRE(totals.size() == 1u);
    BOOST_TEST(totals[0].provider == "a");
}

BOOST_AUTO_TEST_CASE(a_transient_failure_is_retried_then_falls_back) {
    harness h;
    h.a->script = {status(503), status(502)};
    h.b->script.push_back(answer("model-b"));
    auto r = h.chat();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->served.provider == "b");
    BOOST_TEST(r->attempts == 3);
    BOOST_TEST(h.a->models_called.size() == 2u); // max_attempts: 2
    BOOST_TEST(h.resilience.snapshot(std::chrono::steady_clock::now()).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_revoked_key_falls_back_and_opens_its_breaker) {
    harness h;
    for (int i = 0; i < 3; ++i) {
        h.a->script.push_back(status(401));
        h.b->script.push_back(answer("model-b"));
    }
    for (int i = 0; i < 3; ++i) {
        auto r = h.chat();
        BOOST_TEST_REQUIRE(r.has_value());
        BOOST_TEST(r->served.provider == "b");
    }
    BOOST_TEST(h.a->models_called.size() == 2u); // failure_threshold: 2, then open
    BOOST_TEST(!h.resilience.available("a/model-a", std::chrono::steady_clock::now()));
}

BOOST_AUTO_TEST_CASE(the_clients_own_error_comes_back_at_once) {
    harness h;
    auto refused = status(400);
    refused.provider_message = "temperature must be at most 2";
    h.a->script.push_back(refused);
    auto r = h.chat();
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().error.code == domain::errc::invalid_request));
    BOOST_TEST(r.error().error.message == "temperature must be at most 2");
    BOOST_TEST(r.error().attempts == 1);
    BOOST_TEST(r.error().last_provider == "a");
    BOOST_TEST(h.b->models_called.empty());
}

BOOST_AUTO_TEST_CASE(a_stream_cut_after_content_resumes_on_the_next_deployment) {
    harness h;
    h.a->stream_chunks = {"Hello, "};
    h.a->script.push_back(domain::attempt_error{domain::attempt_failure::reset});
    h.b->stream_chunks = {"Hello, ", "world"}; // a regeneration that begins with what was sent
    h.b->script.push_back(answer("model-b"));
    auto request = domain::parse_chat_request(
        *domain::parse_json(R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]})"));
    stream_recorder client;
    dispatch_slot<stream_result> out;
    h.run(h.dispatch->chat_stream(*request, request_hints{}, client, out));
    BOOST_TEST_REQUIRE(out.has_value()); // the call left its result in the caller's slot
    auto& r = *out;
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->served.provider == "b");
    BOOST_TEST(client.text == "Hello, world"); // the client saw the answer once, seamlessly
    BOOST_TEST(h.a->models_called.size() == 1u); // never retried after the commit
}

BOOST_AUTO_TEST_CASE(a_client_that_leaves_mid_attempt_aborts_it_and_nothing_follows) {
    harness h;
    h.a->hang = true;
    h.a->on_call = h.leave_after_this_step();
    for (int i = 0; i < 3; ++i) { // past the breaker's threshold (2), were it counted
        h.a->aborted = false;
        auto r = h.chat({}, {nullptr, h.client_gone.slot()});
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST((r.error().error.code == domain::errc::client_closed));
        BOOST_TEST(h.a->aborted); // the pending upstream operation itself was cancelled
    }
    BOOST_TEST(h.a->models_called.size() == 3u); // one attempt each: no retry
    BOOST_TEST(h.b->models_called.empty());      // no fallback for a client that is gone
    BOOST_TEST(h.resilience.available("a/model-a", std::chrono::steady_clock::now())); // not the deployment's fault
}

BOOST_AUTO_TEST_CASE(a_client_that_leaves_during_a_backoff_ends_the_wait) {
    harness h({2, std::chrono::seconds(30), std::chrono::seconds(30)});
    h.a->script = {status(503), answer("model-a")};
    h.a->on_call = h.leave_after_this_step(); // the 503 returns, the runner starts its 30 s wait
    auto const began = std::chrono::steady_clock::now();
    auto r = h.chat({}, {nullptr, h.client_gone.slot()});
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().error.code == domain::errc::client_closed));
    BOOST_TEST(h.a->models_called.size() == 1u);
    BOOST_TEST(h.b->models_called.empty());
    BOOST_TEST((std::chrono::steady_clock::now() - began < std::chrono::seconds(10))); // the wait was cut short
}

BOOST_AUTO_TEST_CASE(without_a_watch_a_call_runs_as_before) {
    harness h;
    h.a->script.push_back(answer("model-a"));
    auto r = h.chat({}, {nullptr, {}}); // an unconnected slot: nobody watches the client
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->served.provider == "a");
}

BOOST_AUTO_TEST_SUITE_END()
