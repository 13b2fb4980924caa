#pragma once
// What a networked store throws when it cannot answer: disconnected, timed out, or an error
// reply. Callers apply the policy's fail mode (fail_open / fail_closed); the message names the
// cause for logs and never contains credentials.
#include <stdexcept>

namespace switchboard::adapters {

class store_unavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace switchboard::adapters
