#pragma once
// The events nobody's call raises, looked for by a background task (webhooks.watch_interval):
// keys that expire within the notice period (every instance finds the same ones; the store
// delivers each once) and rows the usage ledger lost since the last look (dropped by a full
// queue or refused by its store: a fact of this instance).
#include "adapters/webhooks/event_sink.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace switchboard::adapters {

class key_directory;
class ledger_writer;

struct event_watch {
    event_sink& sink;
    std::string instance;
    std::chrono::milliseconds key_expiry_notice;
    key_directory const* keys = nullptr;   // null: auth off
    ledger_writer const* ledger = nullptr; // null: no ledger
    std::uint64_t ledger_lost_seen = 0;

    void look(std::int64_t now_unix_ms);
};

} // namespace switchboard::adapters
