// Reading CLUSTER SLOTS and redirections: every field is checked, nothing is assumed.
#include "adapters/store/redis/slot_map.hpp"

#include "adapters/store/redis/key_slot.hpp"

#include <charconv>
#include <stdexcept>

namespace switchboard::adapters {
namespace {

template <class T> std::optional<T> number(std::string_view text) {
    T v{};
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::uint16_t slot_of(redis_value const& v) {
    if (v.type != redis_value::kind::integer || v.integer < 0 || v.integer >= cluster_slots)
        throw std::invalid_argument("CLUSTER SLOTS: a slot out of range");
    return static_cast<std::uint16_t>(v.integer);
}

cluster_node node_of(redis_value const& v, std::string const& answering_host) {
    if (v.type != redis_value::kind::array || v.elements.size() < 2 || v.elements[0].type != redis_value::kind::string ||
        v.elements[1].type != redis_value::kind::integer || v.elements[1].integer <= 0 || v.elements[1].integer > 65535)
        throw std::invalid_argument("CLUSTER SLOTS: a node without an address");
    auto host = v.elements[0].text;
    if (host.empty() || host == "?") host = answering_host;
    return {std::move(host), static_cast<unsigned short>(v.elements[1].integer)};
}

} // namespace

std::vector<slot_range> parse_cluster_slots(redis_value const& reply, std::string const& answering_host) {
    if (reply.type != redis_value::kind::array) throw std::invalid_argument("CLUSTER SLOTS: not an array");
    std::vector<slot_range> out;
    for (auto const& range : reply.elements) {
        if (range.type != redis_value::kind::array || range.elements.size() < 3)
            throw std::invalid_argument("CLUSTER SLOTS: a range without a primary");
        slot_range r{slot_of(range.elements[0]), slot_of(range.elements[1]), node_of(range.elements[2], answering_host)};
        if (r.first > r.last) throw std::invalid_argument("CLUSTER SLOTS: a range that ends before it starts");
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<redirection> parse_redirection(std::string_view text) {
    redirection r;
    if (text.rfind("MOVED ", 0) == 0) {
        text.remove_prefix(6);
    } else if (text.rfind("ASK ", 0) == 0) {
        r.ask = true;
        text.remove_prefix(4);
    } else {
        return std::nullopt;
    }
    auto const space = text.find(' ');
    auto const colon = text.rfind(':');
    if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) return std::nullopt;
    auto const slot = number<unsigned>(text.substr(0, space));
    auto const port = number<unsigned>(text.substr(colon + 1));
    auto const host = text.substr(space + 1, colon - space - 1);
    if (!slot || *slot >= cluster_slots || !port || *port == 0 || *port > 65535) return std::nullopt;
    r.slot = static_cast<std::uint16_t>(*slot);
    r.to = {std::string(host), static_cast<unsigned short>(*port)};
    return r;
}

} // namespace switchboard::adapters
