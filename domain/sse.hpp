#pragma once
// Server-sent events (the WHATWG event-stream format) in both directions: an incremental parser
// for upstream streams, and framing for the client's stream.
//
// The parser takes bytes as they arrive (any split, CRLF / LF / CR line ends), and returns each
// complete event: its `event` name (empty for the default "message") and its `data` lines joined
// with '\n'. Comment lines (":" keep-alives) and `id` / `retry` fields are ignored. An event
// larger than `max_event_bytes` is an error (a stream that never ends its event must not grow
// memory without bound). Pure; one parser per stream.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

struct sse_event {
    std::string event;
    std::string data;
};

class sse_parser {
  public:
    explicit sse_parser(std::size_t max_event_bytes = 1u << 20) : max_event_bytes_(max_event_bytes) {}

    // Events completed by `bytes`; nullopt when the stream broke the size limit.
    std::optional<std::vector<sse_event>> feed(std::string_view bytes);
    // Whether bytes of an unfinished event are pending (a stream cut mid-event).
    bool partial() const { return !line_.empty() || has_fields_; }

  private:
    void line_complete(std::string_view line, std::vector<sse_event>& out);

    std::size_t max_event_bytes_;
    std::string line_; // a line split across reads, until its end arrives
    bool last_was_cr_ = false;
    sse_event current_;
    bool has_fields_ = false;
    bool has_data_ = false;
};

// "data: <payload>\n\n" (payload without newlines, as JSON serialisation guarantees).
std::string sse_data(std::string_view payload);
// "event: <name>\ndata: <payload>\n\n".
std::string sse_named(std::string_view event, std::string_view payload);

} // namespace switchboard::domain
