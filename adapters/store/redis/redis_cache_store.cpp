// The shared response cache: one script per operation (redis_cache_scripts.cpp).
#include "adapters/store/redis/redis_cache_store.hpp"

#include "adapters/store/redis/redis_scripts.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"

#include <charconv>
#include <cstring>

namespace switchboard::adapters {
namespace {
std::string const roots_key = "sbc:{roots}";
std::string const clears_key = "sbc:{clears}";
std::string const clears_count_key = "sbc:{clears}:n";

std::string root_of(std::string_view cache_namespace) {
    if (cache_namespace.empty()) return "~";
    return std::string(cache_namespace.substr(0, cache_namespace.find('/')));
}
std::string base_of(std::string const& root) { return "sbc:{" + root + "}"; }
std::string entry_prefix(std::string const& root) { return base_of(root) + ":e:"; }
std::string lease_key(cache_address const& at) { return base_of(root_of(at.cache_namespace)) + ":l:" + at.key; }

std::string joined(std::vector<std::string> const& tags) {
    std::string out;
    for (auto const& t : tags) out += (out.empty() ? "" : ",") + t;
    return out;
}

void throw_if_error(redis_value const& v) {
    if (v.is_error()) throw store_unavailable("redis refused a cache command");
}

std::string const feed_key = "sbs:{feed}";
std::string const feed_count_key = "sbs:{feed}:n";
std::string similar_key(std::string const& root) { return "sbs:{" + root + "}"; }

std::string encode_record(semantic_record const& r) {
    std::string out = r.rest + "\t" + r.cache_namespace + "\t" + std::to_string(r.expires_unix_ms) + "\t";
    out.append(reinterpret_cast<char const*>(r.vector.data()), r.vector.size() * sizeof(float));
    return out;
}

// Nullopt when it is not a record, or it has ended.
std::optional<semantic_record> decode_record(std::string key, std::string_view text, std::int64_t now_unix_ms) {
    semantic_record r;
    r.key = std::move(key);
    std::string_view fields[3];
    for (auto& f : fields) {
        auto const tab = text.find('\t');
        if (tab == std::string_view::npos) return std::nullopt;
        f = text.substr(0, tab);
        text.remove_prefix(tab + 1);
    }
    r.rest = std::string(fields[0]);
    r.cache_namespace = std::string(fields[1]);
    auto const [end, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), r.expires_unix_ms);
    if (ec != std::errc() || end != fields[2].data() + fields[2].size() || r.expires_unix_ms <= now_unix_ms ||
        text.empty() || text.size() % sizeof(float) != 0)
        return std::nullopt;
    r.vector.resize(text.size() / sizeof(float));
    std::memcpy(r.vector.data(), text.data(), text.size());
    return r;
}
} // namespace

net::awaitable<shared_lookup> redis_cache_store::look(cache_address const& at, std::chrono::milliseconds lease) {
    auto const root = root_of(at.cache_namespace);
    std::vector<script_call> calls;
    calls.push_back({&scripts::cache_look(), {entry_prefix(root) + at.key, lease_key(at)},
                     {std::to_string(std::max<std::int64_t>(0, lease.count())), at.lease_id}});
    auto replies = co_await redis_.eval(std::move(calls));
    auto const& v = replies.at(0);
    if (v.type != redis_value::kind::array || v.elements.empty() || v.elements[0].type != redis_value::kind::integer)
        throw store_unavailable("redis cache script returned an unexpected reply");
    shared_lookup out;
    auto const code = v.elements[0].integer;
    if (code == 1 && v.elements.size() == 3) {
        out.entry = v.elements[1].text;
        out.remaining_ms = v.elements[2].integer;
    }
    out.lead = code == 2;
    co_return out;
}

net::awaitable<void> redis_cache_store::keep(cache_address const& at, std::string entry, std::chrono::milliseconds ttl,
                                             std::vector<std::string> const& tags) {
    auto const root = root_of(at.cache_namespace);
    std::vector<script_call> calls;
    calls.push_back({&scripts::cache_keep(),
                     {entry_prefix(root) + at.key, lease_key(at), base_of(root) + ":i"},
                     {std::move(entry), std::to_string(std::max<std::int64_t>(1, ttl.count())), at.lease_id,
                      at.cache_namespace + "\t" + joined(tags) + "\t" + at.key, entry_prefix(root)}});
    calls.push_back({&scripts::cache_note_root(), {roots_key}, {root, std::to_string(std::max<std::int64_t>(1, ttl.count()))}});
    auto replies = co_await redis_.eval(std::move(calls));
    for (auto const& r : replies) throw_if_error(r);
}

net::awaitable<void> redis_cache_store::release(cache_address const& at) {
    std::vector<script_call> calls;
    calls.push_back({&scripts::cache_release(), {lease_key(at)}, {at.lease_id}});
    co_await redis_.eval(std::move(calls));
}

net::awaitable<std::size_t> redis_cache_store::clear(cache_clearing const& what) {
    std::vector<std::string> roots;
    if (!what.cache_namespace.empty()) {
        roots.push_back(root_of(what.cache_namespace));
    } else {
        std::vector<std::vector<std::string>> members{{"SMEMBERS", roots_key}};
        auto replies = co_await redis_.pipeline(std::move(members));
        throw_if_error(replies.at(0));
        for (auto& e : replies.at(0).elements) roots.push_back(std::move(e.text));
    }
    std::vector<script_call> calls;
    for (auto const& root : roots)
        calls.push_back({&scripts::cache_clear(), {base_of(root) + ":i"},
                         {what.cache_namespace, what.tag, entry_prefix(root)}});
    calls.push_back({&scripts::cache_note_clear(), {clears_key, clears_count_key},
                     {what.cache_namespace + "\t" + what.tag, std::to_string(clear_log_length)}});
    auto replies = co_await redis_.eval(std::move(calls));
    std::size_t dropped = 0;
    for (std::size_t i = 0; i + 1 < replies.size(); ++i)
        if (replies[i].type == redis_value::kind::integer) dropped += static_cast<std::size_t>(replies[i].integer);
    co_return dropped;
}

net::awaitable<redis_cache_store::log_notes> redis_cache_store::notes_since(std::string const& list,
                                                                           std::string const& count,
                                                                           std::int64_t seen, int length) {
    std::vector<script_call> calls;
    calls.push_back({&scripts::cache_changes(), {list, count}, {std::to_string(seen), std::to_string(length)}});
    auto replies = co_await redis_.eval(std::move(calls));
    auto const& v = replies.at(0);
    if (v.type != redis_value::kind::array || v.elements.size() < 2)
        throw store_unavailable("redis cache script returned an unexpected reply");
    log_notes out;
    out.count = v.elements[0].integer;
    out.complete = v.elements[1].integer != 0;
    for (std::size_t i = 2; i < v.elements.size(); ++i) {
        auto const& text = v.elements[i].text;
        auto const tab = text.find('\t');
        if (tab != std::string::npos) out.notes.emplace_back(text.substr(0, tab), text.substr(tab + 1));
    }
    co_return out;
}

net::awaitable<cache_store::clear_log> redis_cache_store::changes(std::int64_t seen) {
    auto notes = co_await notes_since(clears_key, clears_count_key, seen, clear_log_length);
    clear_log log;
    log.count = notes.count;
    if (!notes.complete) co_return log; // too many (or the store was flushed): clear all
    log.clears.emplace();
    for (auto& [ns, tag] : notes.notes) log.clears->push_back({std::move(ns), std::move(tag)});
    co_return log;
}

net::awaitable<void> redis_cache_store::keep_similar(semantic_record const& record) {
    auto const root = root_of(record.cache_namespace);
    std::vector<script_call> calls;
    calls.push_back({&scripts::semantic_keep(), {similar_key(root)},
                     {record.key, encode_record(record), std::to_string(record.expires_unix_ms)}});
    calls.push_back({&scripts::cache_note_clear(), {feed_key, feed_count_key},
                     {root + "\t" + record.key, std::to_string(semantic_feed_length)}});
    auto replies = co_await redis_.eval(std::move(calls));
    for (auto const& r : replies) throw_if_error(r);
}

net::awaitable<cache_store::similar_log> redis_cache_store::similar_since(std::int64_t seen) {
    auto notes = co_await notes_since(feed_key, feed_count_key, seen, semantic_feed_length);
    similar_log log;
    log.count = notes.count;
    auto const now = unix_now_ms();
    std::vector<std::vector<std::string>> reads;
    std::vector<std::string> keys; // for each read: its field (one key), or empty (a whole root)
    if (seen < 0 || !notes.complete) {
        log.complete = true;
        std::vector<std::vector<std::string>> members{{"SMEMBERS", roots_key}};
        auto roots = co_await redis_.pipeline(std::move(members));
        throw_if_error(roots.at(0));
        for (auto const& root : roots.at(0).elements) {
            reads.push_back({"HGETALL", similar_key(root.text)});
            keys.emplace_back();
        }
    } else {
        for (auto const& note : notes.notes) { // root, key
            reads.push_back({"HGET", similar_key(note.first), note.second});
            keys.push_back(note.second);
        }
    }
    if (reads.empty()) co_return log;
    auto found = co_await redis_.pipeline(std::move(reads));
    for (std::size_t i = 0; i < found.size(); ++i) {
        auto const& reply = found[i];
        if (reply.type == redis_value::kind::string) {
            if (auto r = decode_record(keys[i], reply.text, now)) log.records.push_back(std::move(*r));
        } else if (reply.type == redis_value::kind::array) { // HGETALL: field, value, field, value…
            for (std::size_t j = 0; j + 1 < reply.elements.size(); j += 2)
                if (auto r = decode_record(reply.elements[j].text, reply.elements[j + 1].text, now))
                    log.records.push_back(std::move(*r));
        }
    }
    co_return log;
}

} // namespace switchboard::adapters
