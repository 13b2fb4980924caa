#pragma once
// RESP (the Redis protocol) through hiredis: command formatting and an incremental reply
// parser. hiredis is used only for the wire format; the I/O is ours, on Asio (see
// docs/adr/0003-redis-client.md).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace switchboard::adapters {

struct redis_value {
    enum class kind { nil, string, status, integer, error, array };
    kind type = kind::nil;
    std::string text; // string, status or error
    long long integer = 0;
    std::vector<redis_value> elements;

    bool is_error() const { return type == kind::error; }
};

// One command as RESP bytes ("*3\r\n$3\r\nSET\r\n...").
std::string format_command(std::vector<std::string> const& args);

// Feeds bytes as they arrive; yields each complete reply in order.
// Errors: a protocol error throws std::runtime_error (the connection must be dropped).
class resp_parser {
  public:
    resp_parser();
    ~resp_parser();
    resp_parser(resp_parser const&) = delete;
    resp_parser& operator=(resp_parser const&) = delete;

    void feed(std::string_view bytes);
    std::optional<redis_value> next();

  private:
    struct reader_deleter {
        void operator()(redisReader* r) const;
    };
    std::unique_ptr<redisReader, reader_deleter> reader_;
};

} // namespace switchboard::adapters
