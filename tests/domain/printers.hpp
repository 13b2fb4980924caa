#pragma once
// Boost.Test printers so failures read `errc::invalid_request`, not a number.
#include "domain/attempt_outcome.hpp"
#include "domain/errors.hpp"
#include "domain/routing.hpp"

#include <ostream>

namespace switchboard::domain {
inline std::ostream& operator<<(std::ostream& os, errc e) {
    return os << "errc::" << code_name(e);
}
inline std::ostream& operator<<(std::ostream& os, next_step s) {
    char const* names[] = {"next_step::fall_back", "next_step::larger_context", "next_step::stop"};
    return os << names[static_cast<int>(s)];
}
inline std::ostream& operator<<(std::ostream& os, deployment const& d) {
    return os << d.provider << "/" << d.model;
}
} // namespace switchboard::domain
