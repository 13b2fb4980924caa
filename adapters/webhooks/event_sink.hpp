#pragma once
// The port through which the gateway reports what operators are told by webhooks: quota
// thresholds, breakers, the mode, expiring keys, ledger drops (domain/webhooks/webhook_event.hpp).
// publish() never blocks and never throws: it is called on the request path and under the
// resilience lock; an implementation queues the event (bounded) and delivers it elsewhere.
// Thread-safe.
#include "domain/webhooks/webhook_event.hpp"

namespace switchboard::adapters {

class event_sink {
  public:
    virtual ~event_sink() = default;
    virtual void publish(domain::webhooks::event e) noexcept = 0;
};

} // namespace switchboard::adapters
