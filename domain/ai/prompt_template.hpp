#pragma once
// A Mustache template (kainjow/mustache, ADR 0008) filled from a JSON body: a named AI route's
// prompt and system message. {{name}} and {{a.b}} insert values (strings as they are, numbers and
// booleans as JSON writes them, objects and arrays as JSON text), {{#list}}…{{/list}} iterates,
// {{^x}}…{{/x}} inverts. Nothing is HTML-escaped: the output is a prompt, not a page. Partials and
// lambdas do not exist here. Pure; a compiled template is immutable.
#include "domain/errors.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>

namespace switchboard::domain::ai {

class prompt_template {
  public:
    // The template, or why it is not one (invalid_request with the parser's reason).
    static result<prompt_template> compile(std::string text);

    std::string render(boost::json::value const& data) const;
    std::string const& text() const { return *text_; }
    bool empty() const { return !text_ || text_->empty(); }

  private:
    std::shared_ptr<std::string const> text_;
};

} // namespace switchboard::domain::ai
