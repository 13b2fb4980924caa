// Expiring keys and ledger losses, turned into webhook events.
#include "adapters/webhooks/event_watch.hpp"

#include "adapters/auth/key_directory.hpp"
#include "adapters/ledger/ledger_writer.hpp"

namespace switchboard::adapters {

void event_watch::look(std::int64_t now_unix_ms) {
    namespace wh = domain::webhooks;
    if (keys) {
        auto const notice = std::chrono::duration_cast<std::chrono::seconds>(key_expiry_notice).count();
        auto const ring = keys->current();
        for (auto const* k : ring->records()) {
            wh::key_facts facts{k->id, k->grant.tenant, k->name, k->grant.expires_unix, k->revoked()};
            if (wh::expires_soon(facts, now_unix_ms / 1000, notice)) sink.publish(wh::key_expiring_event(facts, now_unix_ms));
        }
    }
    if (ledger) {
        auto const c = ledger->counts();
        auto const lost = c.dropped + c.failed;
        if (lost > ledger_lost_seen)
            sink.publish(wh::ledger_drop_event(static_cast<std::int64_t>(lost - ledger_lost_seen),
                                               static_cast<std::int64_t>(lost), instance, now_unix_ms));
        ledger_lost_seen = lost;
    }
}

} // namespace switchboard::adapters
