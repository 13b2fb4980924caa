#pragma once
// A JSON Schema (draft 7), compiled once from the config and checked against documents: a named
// AI route's request body, and the structured answer it asks the model for. Backed by valijson
// (ADR 0008); the schema may not reference anything outside itself (no remote $ref: nothing is
// fetched). Pure; a compiled schema is immutable and may be shared between threads.
#include "domain/errors.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace switchboard::domain::ai {

class json_schema {
  public:
    // The schema, or why it is not one (invalid_request with the validator's reason).
    static result<json_schema> compile(boost::json::value const& schema);

    // At most `most` violations, each "<where>: <what>" (where is a JSON path into the document,
    // "$" for its root); empty when the document conforms.
    std::vector<std::string> violations(boost::json::value const& document, std::size_t most = 5) const;

    boost::json::value const& source() const { return *source_; }

  private:
    struct compiled;
    std::shared_ptr<compiled const> compiled_;
    std::shared_ptr<boost::json::value const> source_;
};

} // namespace switchboard::domain::ai
