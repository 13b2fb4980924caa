// Turn merging and data-URL splitting for the provider translators.
#include "domain/turns.hpp"

#include <boost/json/object.hpp>

namespace switchboard::domain {
namespace json = boost::json;

void append_turn(json::array& turns, std::string_view role, std::string_view items_key, json::array items) {
    if (items.empty()) return;
    if (!turns.empty()) {
        auto& last = turns.back().as_object();
        if (last.at("role").as_string() == role) {
            auto& existing = last.at(items_key).as_array();
            for (auto& item : items) existing.push_back(std::move(item));
            return;
        }
    }
    json::object turn{{"role", role}};
    turn[items_key] = std::move(items);
    turns.push_back(std::move(turn));
}

std::optional<data_url> split_data_url(std::string_view url) {
    if (!url.starts_with("data:")) return std::nullopt;
    auto const marker = url.find(";base64,");
    if (marker == std::string_view::npos) return std::nullopt;
    return data_url{url.substr(5, marker - 5), url.substr(marker + 8)};
}

} // namespace switchboard::domain
