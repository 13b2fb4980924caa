#pragma once
// Error messages in the client's language: English (default) or French, chosen from
// Accept-Language (RFC 9110 §12.5.4: the highest q-value wins, the first listed on a tie; "*" and
// other languages count as English). The French text is one sentence per error code, with the
// offending parameter named; the English message may carry more detail (which limit, which
// budget). Codes, types and params are the same in every language.
#include "domain/errors.hpp"

#include <string>
#include <string_view>

namespace switchboard::adapters {

enum class language { en, fr };

language preferred_language(std::string_view accept_language);
std::string localized_message(domain::gateway_error const& e, language lang);

} // namespace switchboard::adapters
