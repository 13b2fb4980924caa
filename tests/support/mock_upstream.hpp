#pragma once
// A provider stand-in for tests: a real HTTP/1.1 server on 127.0.0.1:<free port>, on its own
// thread, whose reply to each request is chosen by a script. Besides canned responses it can
// misbehave the ways real providers do: reset the connection, stay silent, send garbage.
// Every request it receives is recorded. With tls_files it speaks HTTPS and records the SNI
// name each client sent. Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing {

struct recorded_request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers; // lower-case names
    std::string body;
    std::chrono::steady_clock::time_point at; // when it arrived
    std::chrono::steady_clock::time_point connection_accepted; // when the connection it came on was
    std::string header(std::string const& lower_name) const;
};

struct canned_reply {
    // reset: RST instead of a response; silence: never answer; close_after_reply: answer as
    // keep-alive, then close the connection (the race a pooled client must survive).
    enum class fault { none, reset, silence, close_after_reply };
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    fault misbehave = fault::none;
    // Raw bytes written before the response (interim 1xx responses), and right after it (bytes
    // beyond its framing: the start of a response nobody asked for).
    std::string raw_before;
    std::string raw_after;
    // 0: raw_after goes out in the same write as the response (a body longer than its framing);
    // else it is written this long after the response (bytes arriving on an idle connection).
    std::chrono::milliseconds raw_after_delay{0};
    std::chrono::milliseconds delay{0};
    // A streamed body (text/event-stream, chunked): each piece written after its delay, then the
    // stream ends as `stream_ends` says — properly, cut (the connection closes mid-body), or stalled (silence
    // with the connection open).
    struct piece {
        std::string data;
        std::chrono::milliseconds delay{0};
        std::size_t times = 1; // written this many times in a row
    };
    enum class stream_end { complete, cut, stall };
    std::vector<piece> stream;
    stream_end stream_ends = stream_end::complete;
    // The stream's pieces are the wire bytes themselves, head included, written as they are: the
    // test frames the response (chunk headers split anywhere, a Content-Length, a body that the
    // close ends — `cut`). `complete` then leaves the connection open for the next request.
    bool stream_unframed = false;

    static canned_reply json(int status, std::string body);
    static canned_reply reset_connection();
    static canned_reply stay_silent();
    static canned_reply sse(std::vector<piece> pieces, stream_end end = stream_end::complete);
};

struct tls_files {
    std::string certificate; // PEM
    std::string private_key; // PEM
};

// An OpenAI `chat.completion` body: `text` from `model`, usage 3 prompt + 2 completion tokens.
std::string completion_body(std::string const& model = "m", std::string const& text = "ok");

class mock_upstream {
  public:
    explicit mock_upstream(std::optional<tls_files> tls = std::nullopt);
    ~mock_upstream();

    std::string base_url(std::string const& path = "") const; // http://127.0.0.1:PORT<path>
    unsigned short port() const;

    void reply_with(std::function<canned_reply(recorded_request const&)> script);
    void always(canned_reply reply);

    std::vector<recorded_request> requests() const;
    std::size_t hits() const;
    std::size_t connections() const;      // TCP connections accepted
    std::size_t peak_concurrency() const; // most requests it was answering at once
    std::string last_sni() const;         // TLS only: the server name the last client asked for
    // When the client closed the connection of each exchange left silent (a stalled stream,
    // stay_silent()): the gateway giving up on it.
    std::vector<std::chrono::steady_clock::time_point> client_closures() const;
    // Bytes of streamed bodies written so far (a write blocked by a full socket is not counted).
    std::size_t streamed_bytes() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace switchboard::testing
