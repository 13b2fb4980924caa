#pragma once
// Conversation shaping shared by the Anthropic and Gemini translators: both APIs want strictly
// alternating turns and take images as base64 payloads rather than data URLs.
#include <boost/json/array.hpp>

#include <optional>
#include <string_view>

namespace switchboard::domain {

// Appends `items` as a turn of `role` ({"role": role, items_key: items}), merged into the last
// turn when that one has the same role. Empty `items` add nothing.
void append_turn(boost::json::array& turns, std::string_view role, std::string_view items_key,
                 boost::json::array items);

struct data_url {
    std::string_view media_type; // e.g. "image/png"
    std::string_view base64;     // the payload, still encoded
};
// "data:image/png;base64,QUJD" → {image/png, QUJD}; nullopt for anything else (e.g. https URLs).
std::optional<data_url> split_data_url(std::string_view url);

} // namespace switchboard::domain
