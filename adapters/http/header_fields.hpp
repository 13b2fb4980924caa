#pragma once
// The header fields of a request the gateway reads or a response it writes: Beast's Fields
// concept for http::message, kept as a list in the order the fields were set or received.
//
// Beast's basic_fields keeps an ordered tree of separately allocated fields (case-insensitive
// name compares on every insert, a lookup of the name's enum, an allocation per field): about a
// sixth of a cache hit's instructions went there (docs/PERFORMANCE.md, ADR 0010). A message has
// a dozen fields, set once each and read a few times, so a list searched from the front is
// cheaper: a known field (given by its enum, as the request parser does) is found by its enum,
// any other name by length first, then without case; a field's text goes into blocks that never
// move, one allocation for a whole head.
//
// Contract, as basic_fields: names compare case-insensitively; a value loses the spaces and tabs
// around it; `insert` adds a field beside any of the same name, `set` replaces them all; the order
// of iteration is the order of insertion. Stronger than basic_fields: a value or name viewed
// through `operator[]`, `find` or iteration stays valid until the fields are destroyed, even
// past an `erase` or `set` of that field. The head is serialised by response_head (this type
// has no Beast serializer writer).
#include <boost/beast/http/field.hpp>
#include <boost/optional/optional.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

class header_fields {
public:
    // One field: its name as it was given (or Beast's spelling of a known field) and its value.
    class value_type {
    public:
        boost::beast::http::field name() const noexcept;
        std::string_view name_string() const noexcept { return name_; }
        std::string_view value() const noexcept { return value_; }

    private:
        friend class header_fields;
        value_type(boost::beast::http::field id, std::string_view name, std::string_view value) noexcept
            : id_(id), name_(name), value_(value) {}
        // The field's enum when it was given with it; `unknown` otherwise (then the name decides).
        boost::beast::http::field id_;
        std::string_view name_;
        std::string_view value_;
    };
    using const_iterator = std::vector<value_type>::const_iterator;
    using iterator = const_iterator;

    header_fields() = default;
    header_fields(header_fields&& other) noexcept;
    header_fields(header_fields const& other);
    header_fields& operator=(header_fields&& other) noexcept;
    header_fields& operator=(header_fields const& other);
    ~header_fields();

    const_iterator begin() const noexcept { return fields_.begin(); }
    const_iterator end() const noexcept { return fields_.end(); }
    const_iterator cbegin() const noexcept { return fields_.begin(); }
    const_iterator cend() const noexcept { return fields_.end(); }

    // The first field of that name, or end().
    const_iterator find(boost::beast::http::field name) const noexcept;
    const_iterator find(std::string_view name) const noexcept;
    std::size_t count(boost::beast::http::field name) const noexcept;
    std::size_t count(std::string_view name) const noexcept;
    // The value of the first field of that name; empty if there is none.
    std::string_view operator[](boost::beast::http::field name) const noexcept;
    std::string_view operator[](std::string_view name) const noexcept;

    void insert(boost::beast::http::field name, std::string_view value);
    void insert(std::string_view name, std::string_view value);
    void insert(boost::beast::http::field name, std::string_view name_string, std::string_view value);
    void set(boost::beast::http::field name, std::string_view value);
    void set(std::string_view name, std::string_view value);
    // The fields of that name removed; returns how many.
    std::size_t erase(boost::beast::http::field name);
    std::size_t erase(std::string_view name);
    const_iterator erase(const_iterator at);
    void clear() noexcept;
    // Moves the text into one block of its exact size and the list into exact capacity, for a
    // head that is complete and may be kept long (a request is held for its stream's life).
    // The one exception to the views' lifetime above: every view taken before it is invalid.
    void compact();

    friend void swap(header_fields& a, header_fields& b) noexcept;

protected:
    // What Beast's http::message calls (the Fields concept).
    std::string_view get_reason_impl() const noexcept { return reason_; }
    void set_reason_impl(std::string_view reason);
    bool get_chunked_impl() const;
    void set_chunked_impl(bool chunked);
    bool get_keep_alive_impl(unsigned version) const;
    void set_keep_alive_impl(unsigned version, bool keep_alive);
    bool has_content_length_impl() const noexcept;
    void set_content_length_impl(boost::optional<std::uint64_t> const& length);
    // The request line's method (only when it is not one of Beast's verbs) and target.
    std::string_view get_method_impl() const noexcept { return method_; }
    std::string_view get_target_impl() const noexcept { return target_; }
    void set_method_impl(std::string_view method) { method_ = keep(method); }
    void set_target_impl(std::string_view target) { target_ = keep(target); }

private:
    struct block;
    // A copy of `text` in the blocks (where it stays until the fields are destroyed).
    std::string_view keep(std::string_view text);
    void add(boost::beast::http::field id, std::string_view name, std::string_view value);
    // By `id` when both it and a field's are known, else by `name` (the spelling of `id`).
    static bool matches(value_type const& field, boost::beast::http::field id, std::string_view name) noexcept;
    const_iterator find_field(boost::beast::http::field id, std::string_view name) const noexcept;
    std::size_t count_field(boost::beast::http::field id, std::string_view name) const noexcept;
    void set_field(boost::beast::http::field id, std::string_view name, std::string_view value);
    std::size_t erase_field(boost::beast::http::field id, std::string_view name);
    static std::uint64_t length_bit(std::size_t length) noexcept { return std::uint64_t{1} << (length % 64); }
    bool may_have(std::string_view name) const noexcept { return (lengths_ & length_bit(name.size())) != 0; }
    void recount_lengths() noexcept;

    std::vector<value_type> fields_;
    // Bit (length % 64) set for every field name's length: most lookups are of fields a message
    // does not have (a dozen optional request headers), answered here without a scan.
    std::uint64_t lengths_ = 0;
    std::string_view reason_; // a response's
    std::string_view method_; // a request's
    std::string_view target_;
    block* blocks_ = nullptr; // the newest first
    char* free_ = nullptr;    // the unused end of the newest block
    std::size_t left_ = 0;
};

} // namespace switchboard::adapters
