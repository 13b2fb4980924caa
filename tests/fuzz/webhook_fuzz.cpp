// libFuzzer target: what webhooks read from outside — a secret from the config or the
// environment (whsec_ + base64), an event type named in the config, and a delivery record read
// back from the shared store. Reading never crashes; a secret that reads is 24 to 64 bytes and
// encodes back to itself (one spelling per key); a record that reads writes back to a record
// that reads the same.
#include "domain/base64.hpp"
#include "domain/webhooks/delivery.hpp"
#include "domain/webhooks/standard_webhooks.hpp"
#include "domain/webhooks/webhook_event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace wh = switchboard::domain::webhooks;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    if (auto key = wh::secret_key(text)) {
        if (key->size() < 24 || key->size() > 64) std::abort();
        auto const again = "whsec_" + switchboard::domain::base64_encode(*key);
        if (wh::secret_key(again) != key) std::abort();
    }
    if (auto t = wh::parse_event_type(text); t && wh::type_name(*t) != text) std::abort();
    boost::system::error_code ec;
    auto const v = boost::json::parse(text, ec);
    if (ec) return 0;
    if (auto d = wh::delivery_from_json(v)) {
        auto const back = wh::delivery_from_json(boost::json::parse(boost::json::serialize(wh::delivery_json(*d))));
        if (!back || back->event_id != d->event_id || back->attempts != d->attempts || back->state != d->state ||
            back->next_attempt_unix_ms != d->next_attempt_unix_ms)
            std::abort();
    }
    return 0;
}
