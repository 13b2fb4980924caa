#pragma once
// A config section as one list of fields. Each field names its key once, with how its value is
// read into the settings and how the effective value is shown: read_section() refuses a key that
// is not in the list (and a key given twice) and reads each key present; describe_section()
// renders the section for --check-config and /api/v1/config (a secret's field masks it). Adding
// a key is adding one line to its section's list; the reader and the dump cannot disagree.
//
// A field reaches its value through `get`, a callable taking the section (const or not) and
// returning a reference to the value: a member pointer, or `[](auto& s) -> auto& { … }` for a
// value deeper in the struct. Values are shown as they are read: durations as "1500ms".
#include "server/config_reader.hpp"

#include "domain/auth/key_limits.hpp"
#include "domain/rate_limit.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace switchboard::server {

template <class S> struct config_field {
    std::string_view key;
    // Called when the key is present and not null; `path` is the key's full path.
    std::function<void(config_reader&, YAML::Node const&, std::string const& path, S&)> read;
    std::function<boost::json::value(S const&)> show;
};
template <class S> using field_list = std::span<config_field<S> const>;

// Reads `n`, which must be a mapping, into `target`.
template <class S>
void read_section(config_reader& rd, YAML::Node const& n, std::string const& path, field_list<S> fields, S& target) {
    if (!n.IsMap()) return rd.fail(path.empty() ? "(root)" : path, "must be a mapping");
    std::set<std::string> known;
    for (auto const& f : fields) known.emplace(f.key);
    rd.only_keys(n, path, known);
    for (auto const& f : fields) {
        std::string const key(f.key);
        if (auto v = n[key]; v && !v.IsNull()) f.read(rd, v, config_reader::join(path, key), target);
    }
}

template <class S> boost::json::object describe_section(field_list<S> fields, S const& s) {
    boost::json::object out;
    for (auto const& f : fields) out[f.key] = f.show(s);
    return out;
}

// "1500ms"; "1h", "2m", "30s" when the duration is a whole number of them (error messages).
std::string duration_text(std::chrono::milliseconds d);
std::string ms_text(std::chrono::milliseconds d); // always "1500ms" (the dump)

namespace field {
namespace detail {
template <class S, class Get> using value_t = std::remove_cvref_t<std::invoke_result_t<Get, S&>>;
}

template <class S, class Get> config_field<S> text(std::string_view key, Get get) {
    return {key,
            [get](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (auto v = rd.string(n, path)) std::invoke(get, s) = *v;
            },
            [get](S const& s) { return boost::json::value(std::invoke(get, s)); }};
}

template <class S, class Get>
config_field<S> integer(std::string_view key, Get get, std::int64_t lo, std::int64_t hi) {
    using T = detail::value_t<S, Get>;
    return {key,
            [get, lo, hi](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (auto v = rd.integer(n, path, lo, hi)) std::invoke(get, s) = static_cast<T>(*v);
            },
            [get](S const& s) { return boost::json::value(std::invoke(get, s)); }};
}

// A non-negative number; `valid` and `rule` add a bound ("must be a fraction between 0 and 1").
template <class S, class Get>
config_field<S> number(std::string_view key, Get get, bool (*valid)(double) = nullptr, std::string_view rule = {}) {
    return {key,
            [get, valid, rule](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                auto v = rd.number(n, path);
                if (!v) return;
                if (valid && !valid(*v)) return rd.fail(path, std::string(rule));
                std::invoke(get, s) = *v;
            },
            [get](S const& s) { return boost::json::value(std::invoke(get, s)); }};
}

template <class S, class Get> config_field<S> bytes(std::string_view key, Get get, std::size_t lo, std::size_t hi) {
    using T = detail::value_t<S, Get>;
    return {key,
            [get, lo, hi](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (auto v = rd.bytes(n, path, lo, hi)) std::invoke(get, s) = static_cast<T>(*v);
            },
            [get](S const& s) { return boost::json::value(std::invoke(get, s)); }};
}

// A duration ("500ms", "5s", "2m", "1h") within [lo, hi]; with lo = 0, "0" is accepted too.
template <class S, class Get>
config_field<S> duration(std::string_view key, Get get, std::chrono::milliseconds lo = std::chrono::milliseconds(1),
                         std::chrono::milliseconds hi = std::chrono::hours(24)) {
    using T = detail::value_t<S, Get>;
    return {key,
            [get, lo, hi](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (lo.count() == 0 && n.IsScalar() && (n.Scalar() == "0" || n.Scalar() == "0s" || n.Scalar() == "0ms")) {
                    std::invoke(get, s) = T::zero();
                    return;
                }
                auto v = rd.duration(n, path);
                if (!v) return;
                if (*v < lo || *v > hi)
                    return rd.fail(path, "must be between " + duration_text(lo) + " and " + duration_text(hi));
                std::invoke(get, s) = std::chrono::duration_cast<T>(*v);
            },
            [get](S const& s) {
                return boost::json::value(ms_text(std::chrono::duration_cast<std::chrono::milliseconds>(std::invoke(get, s))));
            }};
}

template <class S, class Get> config_field<S> flag(std::string_view key, Get get) {
    return {key,
            [get](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                auto v = rd.string(n, path);
                if (v == "true" || v == "false")
                    std::invoke(get, s) = *v == "true";
                else if (v)
                    rd.fail(path, "must be true or false");
            },
            [get](S const& s) { return boost::json::value(std::invoke(get, s)); }};
}

// on_store_error: fail_open or fail_closed (domain/fail_mode.hpp).
template <class S, class Get> config_field<S> fail_mode(std::string_view key, Get get) {
    return {key,
            [get](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                auto v = rd.string(n, path);
                if (v == "fail_open")
                    std::invoke(get, s) = domain::fail_mode::open;
                else if (v == "fail_closed")
                    std::invoke(get, s) = domain::fail_mode::closed;
                else if (v)
                    rd.fail(path, "must be fail_open or fail_closed");
            },
            [get](S const& s) { return boost::json::value(domain::fail_mode_name(std::invoke(get, s))); }};
}

// A list of strings, each checked by `valid` when given (a problem names the item's index).
template <class S, class Get>
config_field<S> text_list(std::string_view key, Get get, std::string_view what,
                          bool (*valid)(std::string const&) = nullptr, std::string_view invalid = {}) {
    return {key,
            [=](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of " + std::string(what));
                auto& out = std::invoke(get, s);
                out.clear();
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const item = path + "[" + std::to_string(i) + "]";
                    auto v = rd.string(n[i], item);
                    if (v && valid && !valid(*v))
                        rd.fail(item, std::string(invalid));
                    else if (v)
                        out.push_back(*v);
                }
            },
            [get](S const& s) {
                boost::json::array out;
                for (auto const& v : std::invoke(get, s)) out.emplace_back(boost::json::string(v));
                return boost::json::value(std::move(out));
            }};
}

// Dollars: a non-negative number, kept as micro-dollars (quotas and budgets count integers).
template <class S, class Get> config_field<S> dollars(std::string_view key, Get get, std::int64_t most_micro_usd) {
    return {key,
            [get, most_micro_usd](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                auto v = rd.number(n, path);
                if (!v) return;
                if (domain::to_micro_usd(*v) > most_micro_usd)
                    return rd.fail(path, "must be at most " + std::to_string(most_micro_usd / 1'000'000) + " dollars");
                std::invoke(get, s) = domain::to_micro_usd(*v);
            },
            [get](S const& s) { return boost::json::value(static_cast<double>(std::invoke(get, s)) / 1e6); }};
}

// One of a key's limits (domain/auth/key_limits.hpp), in `get`'s key_limits.
template <class S, class Get> config_field<S> key_limit(domain::key_limit_field const& f, Get get) {
    // The table's accessor serves reads (the dump) and writes alike.
    auto at = [get, &f](auto& s) -> std::int64_t& {
        return f.at(const_cast<domain::key_limits&>(std::invoke(get, s)));
    };
    if (f.dollars) return dollars<S>(f.name, at, f.most);
    return {f.name,
            [at, &f](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                if (auto v = rd.integer(n, path, 0, f.most)) at(s) = *v;
            },
            [at](S const& s) { return boost::json::value(at(s)); }};
}

// A nested section with its own field list.
template <class S, class Sub, class Get> config_field<S> section(std::string_view key, Get get, field_list<Sub> fields) {
    return {key,
            [get, fields](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                read_section<Sub>(rd, n, path, fields, std::invoke(get, s));
            },
            [get, fields](S const& s) { return boost::json::value(describe_section<Sub>(fields, std::invoke(get, s))); }};
}
} // namespace field

} // namespace switchboard::server
