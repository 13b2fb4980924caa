// A streaming pass (no tree) that remembers the keys of each open object.
#include "domain/json_duplicates.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <iterator>
#include <set>
#include <vector>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
// The keys of one object: a short list searched in place (a request's objects are small), a set
// once it grows, so an object of many keys costs O(n log n), not O(n²).
class key_set {
  public:
    bool insert(std::string key) { // false when the key was there already
        if (large_.empty()) {
            if (std::find(small_.begin(), small_.end(), key) != small_.end()) return false;
            small_.push_back(std::move(key));
            if (small_.size() > 32) large_.insert(std::make_move_iterator(small_.begin()), std::make_move_iterator(small_.end()));
            return true;
        }
        return large_.insert(std::move(key)).second;
    }

  private:
    std::vector<std::string> small_;
    std::set<std::string> large_;
};

struct duplicate_finder {
    using error_code = boost::system::error_code;
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    std::vector<key_set> open; // the keys seen in each open object
    std::string key;
    std::optional<std::string> found;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        open.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        open.pop_back();
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t, error_code&) { return true; }
    bool on_key_part(json::string_view part, std::size_t, error_code&) {
        key.append(part.data(), part.size());
        return true;
    }
    bool on_key(json::string_view part, std::size_t, error_code& ec) {
        key.append(part.data(), part.size());
        std::string complete = std::move(key);
        key.clear();
        if (!open.back().insert(complete)) {
            found = std::move(complete);
            ec = json::error::syntax; // stop: the answer is known
            return false;
        }
        return true;
    }
    bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
    bool on_string(json::string_view, std::size_t, error_code&) { return true; }
    bool on_number_part(json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, error_code&) { return true; }
    bool on_uint64(std::uint64_t, json::string_view, error_code&) { return true; }
    bool on_double(double, json::string_view, error_code&) { return true; }
    bool on_bool(bool, error_code&) { return true; }
    bool on_null(error_code&) { return true; }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
};
} // namespace

std::optional<std::string> first_duplicate_key(std::string_view text) {
    json::basic_parser<duplicate_finder> parser(json::parse_options{});
    boost::system::error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    return std::move(parser.handler().found);
}

} // namespace switchboard::domain
