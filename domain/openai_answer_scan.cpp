// A SAX pass (boost::json::basic_parser) that tracks where it is with a small stack of roles.
#include "domain/openai_answer_scan.hpp"

#include "domain/pricing.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <vector>

namespace switchboard::domain {
namespace {
namespace json = boost::json;
using error_code = boost::system::error_code;

// Where a value sits, as far as the scan cares.
enum class role {
    other, top, model, usage, prompt_tokens, completion_tokens, prompt_details, cached_tokens, choices, choice, message
};

struct scanner {
    constexpr static std::size_t max_object_size = std::size_t(-1);
    constexpr static std::size_t max_array_size = std::size_t(-1);
    constexpr static std::size_t max_key_size = std::size_t(-1);
    constexpr static std::size_t max_string_size = std::size_t(-1);

    struct frame {
        role of;
        bool is_object;
        role next = role::other; // an object's: the role of the value after the current key
        bool has_message = false; // a choice's
    };
    std::vector<frame> stack;
    openai_answer_facts facts;
    bool top_is_object = false;
    bool choices_array = false;
    std::size_t choices = 0;
    std::string first_bad_choice; // the first choice's problem, in array order
    std::string model_text;       // the model name, which may arrive in parts (escapes)
    std::string key_text;         // a key arriving in parts

    // The role of the value about to start, from its container.
    role incoming() {
        if (stack.empty()) return role::top;
        auto& parent = stack.back();
        if (parent.is_object) {
            role r = parent.next;
            parent.next = role::other;
            return r;
        }
        return parent.of == role::choices ? role::choice : role::other;
    }
    // Every value starts here: a value where a choice is due counts as one, and is a bad one
    // unless it is an object.
    role begin_value(bool is_object) {
        role const r = incoming();
        if (r == role::choice) {
            ++choices;
            if (!is_object && first_bad_choice.empty()) first_bad_choice = "choice is not an object";
        }
        return r;
    }
    void count(role r, std::int64_t n) {
        if (r == role::prompt_tokens) facts.prompt_tokens = n;
        if (r == role::completion_tokens) facts.completion_tokens = n;
        if (r == role::cached_tokens) facts.cached_tokens = std::max<std::int64_t>(0, n);
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        role const r = begin_value(true);
        count(r, invalid_token_count);
        if (r == role::top) top_is_object = true;
        if (r == role::usage) facts.has_usage = true;
        if (r == role::message) stack.back().has_message = true; // the choice's
        stack.push_back({r, true});
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        auto const done = stack.back();
        stack.pop_back();
        if (done.of == role::choice && !done.has_message && first_bad_choice.empty())
            first_bad_choice = "choice has no message";
        return true;
    }
    bool on_array_begin(error_code&) {
        role const r = begin_value(false);
        count(r, invalid_token_count);
        if (r == role::choices) choices_array = true;
        stack.push_back({r, false});
        return true;
    }
    bool on_array_end(std::size_t, error_code&) {
        stack.pop_back();
        return true;
    }
    bool on_key_part(json::string_view part, std::size_t, error_code&) {
        key_text.append(part.data(), part.size());
        return true;
    }
    bool on_key(json::string_view part, std::size_t, error_code&) {
        auto& f = stack.back();
        std::string_view key(part.data(), part.size());
        if (!key_text.empty()) {
            key_text.append(part.data(), part.size());
            key = key_text;
        }
        switch (f.of) {
        case role::top:
            f.next = key == "model" ? role::model : key == "usage" ? role::usage : key == "choices" ? role::choices : role::other;
            if (f.next == role::choices) choices_array = false, choices = 0, first_bad_choice.clear();
            if (f.next == role::usage)
                facts.has_usage = false, facts.prompt_tokens = 0, facts.completion_tokens = 0, facts.cached_tokens = 0;
            if (f.next == role::model) facts.model.reset();
            break;
        case role::usage:
            f.next = key == "prompt_tokens"           ? role::prompt_tokens
                     : key == "completion_tokens"     ? role::completion_tokens
                     : key == "prompt_tokens_details" ? role::prompt_details
                                                      : role::other;
            if (f.next == role::prompt_tokens || f.next == role::completion_tokens) count(f.next, 0);
            if (f.next == role::prompt_details) facts.cached_tokens = 0;
            break;
        case role::prompt_details:
            f.next = key == "cached_tokens" ? role::cached_tokens : role::other;
            if (f.next != role::other) count(f.next, 0);
            break;
        case role::choice:
            f.next = key == "message" ? role::message : role::other;
            if (f.next == role::message) f.has_message = false; // a repeated key: the last one counts
            break;
        default:
            f.next = role::other;
        }
        key_text.clear();
        return true;
    }
    bool on_string_part(json::string_view part, std::size_t, error_code&) {
        // Only a model name is kept; the role is taken when the string ends.
        if (!stack.empty() && stack.back().is_object && stack.back().next == role::model)
            model_text.append(part.data(), part.size());
        return true;
    }
    bool on_string(json::string_view part, std::size_t, error_code&) {
        role const r = begin_value(false);
        if (r == role::model) {
            model_text.append(part.data(), part.size());
            facts.model = std::move(model_text);
        }
        count(r, invalid_token_count); // a token count given as a string is no count
        model_text.clear();
        return true;
    }
    bool on_number_part(json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t v, json::string_view, error_code&) {
        count(begin_value(false), v < 0 ? invalid_token_count : v);
        return true;
    }
    bool on_uint64(std::uint64_t v, json::string_view, error_code&) {
        count(begin_value(false), v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ? invalid_token_count
                                                                             : static_cast<std::int64_t>(v));
        return true;
    }
    bool on_double(double, json::string_view, error_code&) {
        count(begin_value(false), invalid_token_count); // a fractional token count is not a count
        return true;
    }
    bool on_bool(bool, error_code&) {
        count(begin_value(false), invalid_token_count);
        return true;
    }
    bool on_null(error_code&) {
        begin_value(false);
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
};
} // namespace

openai_answer_facts scan_openai_answer(std::string_view text) {
    json::basic_parser<scanner> parser(json::parse_options{});
    boost::system::error_code ec;
    auto const used = parser.write_some(false, text.data(), text.size(), ec);
    auto& s = parser.handler();
    if (ec || used != text.size() || !s.top_is_object) return {"not a JSON object"};
    if (!s.choices_array || s.choices == 0) return {"no choices"};
    if (!s.first_bad_choice.empty()) return {s.first_bad_choice};
    return std::move(s.facts);
}

} // namespace switchboard::domain
