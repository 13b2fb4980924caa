// Reading the shape of an API key.
#include "domain/auth/api_key.hpp"

#include <algorithm>

namespace switchboard::domain {
namespace {
bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
    return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
} // namespace

bool valid_api_key_id(std::string_view id) {
    return id.size() == api_key_id_length && std::all_of(id.begin(), id.end(), lower_alnum);
}

std::optional<api_key_parts> parse_api_key(std::string_view token) {
    if (!token.starts_with(api_key_prefix)) return std::nullopt;
    token.remove_prefix(api_key_prefix.size());
    if (token.size() != api_key_id_length + 1 + api_key_secret_length || token[api_key_id_length] != '_')
        return std::nullopt;
    auto const id = token.substr(0, api_key_id_length);
    auto const secret = token.substr(api_key_id_length + 1);
    if (!valid_api_key_id(id) || !std::all_of(secret.begin(), secret.end(), alnum)) return std::nullopt;
    return api_key_parts{id, secret};
}

} // namespace switchboard::domain
