#pragma once
// A client's JSON text parsed once: its tree, or why it is refused. A repeated object key is
// refused: a parser keeps one of them (Boost.JSON the last), and another reader of the same
// bytes — a provider, a proxy — may keep the other, so the request is ambiguous (the config
// reader refuses it too). The check rides on the parse itself: one pass over the bytes. Pure.
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

struct checked_json {
    enum class flaw { none, not_json, duplicate_key };
    boost::json::value value; // the tree, when there is no flaw
    flaw problem = flaw::none;
    std::string duplicate_key; // the first key given twice in one object (nested ones included)

    explicit operator bool() const { return problem == flaw::none; }
};

// The tree lives in an arena of its own (like parse_json's).
checked_json parse_json_checked(std::string_view text);

// The first key that occurs twice in one object of `text`, or nullopt when there is none or
// `text` is not valid JSON (the caller's parse reports that).
std::optional<std::string> first_duplicate_key(std::string_view text);

} // namespace switchboard::domain
