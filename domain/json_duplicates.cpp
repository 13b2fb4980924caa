// One pass: Boost.JSON's value_stack builds the tree while the keys of each open object are
// remembered, so a repeated key stops the parse.
#include "domain/json_duplicates.hpp"

#include "domain/json_arena.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
// The keys of the open objects, innermost last. A key's bytes are copied into one buffer
// reserved up front at the text's size (a key is never longer than its text), so views into it
// stay valid. An object's keys are searched in place while few; past 32 an ordered set takes
// over, so an object of many keys costs O(n log n), not O(n²) — and not a hash set, whose
// unseeded hash a client could flood with colliding keys.
class open_keys {
  public:
    explicit open_keys(std::size_t text_size) { bytes_.reserve(text_size); }

    void open() { levels_.push_back({keys_.size(), nullptr}); }
    void close() {
        keys_.resize(levels_.back().first);
        levels_.pop_back();
    }
    void add_part(json::string_view part) { bytes_.append(part.data(), part.size()); }

    // Ends the key begun at the last end_key (with its parts); false when the object has it.
    bool end_key(json::string_view last) {
        bytes_.append(last.data(), last.size());
        std::string_view const key(bytes_.data() + key_start_, bytes_.size() - key_start_);
        key_start_ = bytes_.size();
        last_ = key;
        auto& level = levels_.back();
        if (level.many) return level.many->insert(key).second;
        auto const first = keys_.begin() + static_cast<std::ptrdiff_t>(level.first);
        if (std::find(first, keys_.end(), key) != keys_.end()) return false;
        keys_.push_back(key); // may move keys_: `first` is not used past this line
        if (keys_.size() - level.first > 32)
            level.many = std::make_unique<std::set<std::string_view>>(
                keys_.begin() + static_cast<std::ptrdiff_t>(level.first), keys_.end());
        return true;
    }

    std::string_view last_key() const { return last_; } // the key end_key just ended

  private:
    struct level {
        std::size_t first; // its keys are keys_[first..] while few
        std::unique_ptr<std::set<std::string_view>> many;
    };
    std::string bytes_;
    std::size_t key_start_ = 0;
    std::string_view last_;
    std::vector<std::string_view> keys_;
    std::vector<level> levels_;
};

// Boost.JSON's own parser handler (value_stack), with the keys checked on their way.
struct checking_handler {
    using error_code = boost::system::error_code;
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack stack;
    open_keys keys;
    std::optional<std::string> duplicate;

    checking_handler(std::size_t text_size, unsigned char* scratch, std::size_t scratch_size)
        : stack(json::storage_ptr(), scratch, scratch_size), keys(text_size) {}

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        keys.open();
        return true;
    }
    bool on_object_end(std::size_t n, error_code&) {
        keys.close();
        stack.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        stack.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view part, std::size_t, error_code&) {
        keys.add_part(part);
        stack.push_chars(part);
        return true;
    }
    bool on_key(json::string_view part, std::size_t, error_code& ec) {
        if (!keys.end_key(part)) {
            duplicate = std::string(keys.last_key());
            ec = json::error::syntax; // stop: the answer is known
            return false;
        }
        stack.push_key(part);
        return true;
    }
    bool on_string_part(json::string_view part, std::size_t, error_code&) {
        stack.push_chars(part);
        return true;
    }
    bool on_string(json::string_view part, std::size_t, error_code&) {
        stack.push_string(part);
        return true;
    }
    bool on_number_part(json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        stack.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
        stack.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view, error_code&) {
        stack.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        stack.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        stack.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
};
} // namespace

checked_json parse_json_checked(std::string_view text) {
    // The tree in an arena sized by the text (json_arena); the parser's work stack starts in a
    // buffer on this stack frame.
    auto arena = json_arena(text.size());
    unsigned char scratch[2048];
    json::basic_parser<checking_handler> parser(json::parse_options(), text.size(), scratch, sizeof scratch);
    parser.handler().stack.reset(std::move(arena));
    boost::system::error_code ec;
    auto const used = parser.write_some(false, text.data(), text.size(), ec);
    if (auto& duplicate = parser.handler().duplicate)
        return {{}, checked_json::flaw::duplicate_key, std::move(*duplicate)};
    if (ec || used != text.size() || !parser.done()) return {{}, checked_json::flaw::not_json, {}};
    // Move-constructed (a move assignment into another memory resource would copy the tree).
    return {parser.handler().stack.release(), checked_json::flaw::none, {}};
}

std::optional<std::string> first_duplicate_key(std::string_view text) {
    auto checked = parse_json_checked(text);
    if (checked.problem != checked_json::flaw::duplicate_key) return std::nullopt;
    return std::move(checked.duplicate_key);
}

} // namespace switchboard::domain
