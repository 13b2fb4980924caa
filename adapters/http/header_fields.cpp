// The header fields of a response: a list in insertion order, their text in blocks that never move.
#include "adapters/http/header_fields.hpp"

#include "domain/ascii.hpp"

#include <boost/beast/http/rfc7230.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace switchboard::adapters {

namespace http = boost::beast::http;

struct header_fields::block {
    block* next;
    // The block's text follows it in the same allocation.
    char* text() noexcept { return reinterpret_cast<char*>(this + 1); }
};

namespace {
// A response's fields and reason take ~500 bytes; one block holds them.
constexpr std::size_t block_bytes = 1024 - sizeof(void*);
constexpr std::size_t fields_reserved = 16;

bool same_name(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (domain::ascii_lower(a[i]) != domain::ascii_lower(b[i])) return false;
    return true;
}

// Calls `each` with every element of a comma-separated list, trimmed, empty ones skipped.
template <typename Each> void for_each_token(std::string_view list, Each each) {
    while (!list.empty()) {
        auto const comma = list.find(',');
        auto const token = domain::trimmed_ows(list.substr(0, comma));
        if (!token.empty()) each(token);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

// `list` without the tokens `drop` refuses, with `extra` at its end when not empty.
template <typename Drop> std::string rebuilt_list(std::string_view list, Drop drop, std::string_view extra) {
    std::string out;
    auto append = [&](std::string_view token) {
        if (!out.empty()) out += ", ";
        out += token;
    };
    for_each_token(list, [&](std::string_view token) {
        if (!drop(token)) append(token);
    });
    if (!extra.empty()) append(extra);
    return out;
}
} // namespace

http::field header_fields::value_type::name() const noexcept {
    return id_ != http::field::unknown ? id_ : http::string_to_field(name_);
}

bool header_fields::matches(value_type const& field, http::field id, std::string_view name) noexcept {
    // A field given with its enum is found by it; one given by name only, by its name.
    if (id != http::field::unknown && field.id_ != http::field::unknown) return field.id_ == id;
    return same_name(field.name_, name);
}

header_fields::header_fields(header_fields&& other) noexcept
    : fields_(std::move(other.fields_)), lengths_(std::exchange(other.lengths_, 0)),
      reason_(std::exchange(other.reason_, {})),
      method_(std::exchange(other.method_, {})), target_(std::exchange(other.target_, {})),
      blocks_(std::exchange(other.blocks_, nullptr)), free_(std::exchange(other.free_, nullptr)),
      left_(std::exchange(other.left_, 0)) {
    other.fields_.clear();
}

header_fields::header_fields(header_fields const& other) {
    for (auto const& field : other.fields_) add(field.id_, keep(field.name_), keep(field.value_));
    reason_ = keep(other.reason_);
    method_ = keep(other.method_);
    target_ = keep(other.target_);
}

header_fields& header_fields::operator=(header_fields&& other) noexcept {
    header_fields taken(std::move(other));
    swap(*this, taken);
    return *this;
}

header_fields& header_fields::operator=(header_fields const& other) {
    if (this != &other) {
        header_fields copy(other);
        swap(*this, copy);
    }
    return *this;
}

header_fields::~header_fields() {
    while (blocks_ != nullptr) {
        auto* next = blocks_->next;
        ::operator delete(blocks_);
        blocks_ = next;
    }
}

void swap(header_fields& a, header_fields& b) noexcept {
    using std::swap;
    swap(a.fields_, b.fields_);
    swap(a.lengths_, b.lengths_);
    swap(a.reason_, b.reason_);
    swap(a.method_, b.method_);
    swap(a.target_, b.target_);
    swap(a.blocks_, b.blocks_);
    swap(a.free_, b.free_);
    swap(a.left_, b.left_);
}

std::string_view header_fields::keep(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > left_) {
        auto const capacity = std::max(block_bytes, text.size());
        auto* fresh = static_cast<block*>(::operator new(sizeof(block) + capacity));
        fresh->next = blocks_;
        blocks_ = fresh;
        free_ = fresh->text();
        left_ = capacity;
    }
    auto* at = free_;
    std::memcpy(at, text.data(), text.size());
    free_ += text.size();
    left_ -= text.size();
    return {at, text.size()};
}

void header_fields::add(http::field id, std::string_view name, std::string_view value) {
    if (fields_.capacity() == 0) fields_.reserve(fields_reserved);
    fields_.push_back(value_type(id, name, value));
    lengths_ |= length_bit(name.size());
}

void header_fields::recount_lengths() noexcept {
    lengths_ = 0;
    for (auto const& field : fields_) lengths_ |= length_bit(field.name_.size());
}

header_fields::const_iterator header_fields::find_field(http::field id, std::string_view name) const noexcept {
    if (!may_have(name)) return end();
    return std::find_if(fields_.begin(), fields_.end(),
                        [&](value_type const& field) { return matches(field, id, name); });
}

header_fields::const_iterator header_fields::find(std::string_view name) const noexcept {
    return find_field(http::field::unknown, name);
}

header_fields::const_iterator header_fields::find(http::field name) const noexcept {
    return find_field(name, http::to_string(name));
}

std::size_t header_fields::count(std::string_view name) const noexcept {
    return count_field(http::field::unknown, name);
}

std::size_t header_fields::count(http::field name) const noexcept {
    return count_field(name, http::to_string(name));
}

std::size_t header_fields::count_field(http::field id, std::string_view name) const noexcept {
    if (!may_have(name)) return 0;
    return static_cast<std::size_t>(std::count_if(fields_.begin(), fields_.end(),
                                                  [&](value_type const& field) { return matches(field, id, name); }));
}

std::string_view header_fields::operator[](std::string_view name) const noexcept {
    auto const at = find(name);
    return at == end() ? std::string_view{} : at->value_;
}

std::string_view header_fields::operator[](http::field name) const noexcept {
    auto const at = find(name);
    return at == end() ? std::string_view{} : at->value_;
}

void header_fields::insert(http::field name, std::string_view value) {
    // A known field's name is Beast's static spelling: nothing to keep.
    add(name, http::to_string(name), keep(domain::trimmed_ows(value)));
}

void header_fields::insert(std::string_view name, std::string_view value) {
    add(http::field::unknown, keep(name), keep(domain::trimmed_ows(value)));
}

void header_fields::insert(http::field name, std::string_view name_string, std::string_view value) {
    // The request parser's way: the name as received, with its enum when Beast knows it.
    add(name, keep(name_string), keep(domain::trimmed_ows(value)));
}

void header_fields::set_field(http::field id, std::string_view name, std::string_view value) {
    // The first field of that name keeps its place and takes the value; the others go (a name's
    // length stays among the lengths: the first field keeps it).
    auto const first = !may_have(name) ? fields_.end()
                                       : std::find_if(fields_.begin(), fields_.end(),
                                                      [&](value_type const& field) { return matches(field, id, name); });
    if (first == fields_.end()) {
        add(id, id != http::field::unknown ? name : keep(name), keep(domain::trimmed_ows(value)));
        return;
    }
    first->value_ = keep(domain::trimmed_ows(value));
    fields_.erase(std::remove_if(first + 1, fields_.end(),
                                 [&](value_type const& field) { return matches(field, id, name); }),
                  fields_.end());
}

void header_fields::set(std::string_view name, std::string_view value) {
    set_field(http::field::unknown, name, value);
}

void header_fields::set(http::field name, std::string_view value) {
    set_field(name, http::to_string(name), value); // the static spelling: nothing to keep
}

std::size_t header_fields::erase_field(http::field id, std::string_view name) {
    if (!may_have(name)) return 0;
    auto const before = fields_.size();
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](value_type const& field) { return matches(field, id, name); }),
                  fields_.end());
    recount_lengths();
    return before - fields_.size();
}

std::size_t header_fields::erase(std::string_view name) {
    return erase_field(http::field::unknown, name);
}

std::size_t header_fields::erase(http::field name) {
    return erase_field(name, http::to_string(name));
}

header_fields::const_iterator header_fields::erase(const_iterator at) {
    auto const offset = at - fields_.cbegin();
    fields_.erase(at);
    recount_lengths();
    return fields_.cbegin() + offset;
}

void header_fields::clear() noexcept {
    fields_.clear();
    lengths_ = 0;
}

void header_fields::compact() {
    std::size_t used = reason_.size() + method_.size() + target_.size();
    for (auto const& field : fields_) used += field.name_.size() + field.value_.size();
    std::size_t held = 0;
    for (auto const* b = blocks_; b != nullptr; b = b->next) ++held;
    // Worth it only when a block's unused room or the list's spare capacity is large.
    if (held <= 1 && left_ < 256 && fields_.capacity() - fields_.size() < 4) return;
    header_fields tight;
    if (used > 0) {
        tight.blocks_ = static_cast<block*>(::operator new(sizeof(block) + used));
        tight.blocks_->next = nullptr;
        tight.free_ = tight.blocks_->text();
        tight.left_ = used;
    }
    tight.fields_.reserve(fields_.size());
    for (auto const& field : fields_) tight.add(field.id_, tight.keep(field.name_), tight.keep(field.value_));
    tight.reason_ = tight.keep(reason_);
    tight.method_ = tight.keep(method_);
    tight.target_ = tight.keep(target_);
    swap(*this, tight);
}

void header_fields::set_reason_impl(std::string_view reason) {
    reason_ = keep(reason);
}

bool header_fields::get_chunked_impl() const {
    // Chunked when it is the last transfer coding (RFC 9112 §6.1).
    std::string_view last;
    for_each_token((*this)[http::field::transfer_encoding], [&](std::string_view token) { last = token; });
    return same_name(last, "chunked");
}

void header_fields::set_chunked_impl(bool chunked) {
    auto const codings = (*this)[http::field::transfer_encoding];
    if (codings.empty() && !chunked) return;
    auto const list = rebuilt_list(
        codings, [](std::string_view token) { return same_name(token, "chunked"); }, chunked ? "chunked" : "");
    if (list.empty()) erase(http::field::transfer_encoding);
    else set(http::field::transfer_encoding, list);
}

bool header_fields::get_keep_alive_impl(unsigned version) const {
    auto const connection = (*this)[http::field::connection];
    http::token_list tokens{connection}; // case-insensitive, as Beast's own keep-alive reading
    return version < 11 ? tokens.exists("keep-alive") : !tokens.exists("close");
}

void header_fields::set_keep_alive_impl(unsigned version, bool keep_alive) {
    auto const connection = (*this)[http::field::connection];
    std::string_view const wanted = version < 11 ? (keep_alive ? "keep-alive" : "") : (keep_alive ? "" : "close");
    if (connection.empty() && wanted.empty()) return;
    auto const list = rebuilt_list(
        connection,
        [](std::string_view token) { return same_name(token, "close") || same_name(token, "keep-alive"); }, wanted);
    if (list.empty()) erase(http::field::connection);
    else set(http::field::connection, list);
}

bool header_fields::has_content_length_impl() const noexcept {
    return find(http::field::content_length) != end();
}

void header_fields::set_content_length_impl(boost::optional<std::uint64_t> const& length) {
    if (!length) {
        erase(http::field::content_length);
        return;
    }
    char digits[24];
    auto const [end, ec] = std::to_chars(digits, digits + sizeof digits, *length);
    set(http::field::content_length, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

} // namespace switchboard::adapters
