// The API keys of the config and of the store, as one snapshot; the admin operations on them.
#include "adapters/auth/key_directory.hpp"

#include "adapters/observability/log.hpp"
#include "domain/auth/api_key.hpp"
#include "domain/json_checks.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
using domain::errc;

key_directory::key_directory(std::string server_secret, std::vector<api_key_record> config_keys,
                             std::set<std::string, std::less<>> configured_tenants)
    : secret_(std::move(server_secret)), config_keys_(std::move(config_keys)),
      configured_tenants_(std::move(configured_tenants)),
      ring_(std::make_shared<key_ring const>(secret_, config_keys_, configured_tenants_)) {}

std::shared_ptr<key_ring const> key_directory::current() const {
    std::lock_guard lock(mutex_);
    return ring_;
}

bool key_directory::loaded() const {
    std::lock_guard lock(mutex_);
    return revision_ >= 0;
}

void key_directory::publish(std::shared_ptr<key_ring const> ring, std::int64_t revision) {
    std::lock_guard lock(mutex_);
    if (revision < revision_) return; // a slower reader of an older revision
    ring_ = std::move(ring);
    revision_ = revision;
}

net::awaitable<void> key_directory::refresh(key_store& store, bool force) {
    auto const revision = co_await store.revision();
    {
        std::lock_guard lock(mutex_);
        if (!force && revision == revision_) co_return;
    }
    auto texts = co_await store.load_all();
    auto keys = config_keys_; // the config's come first: a stored record never shadows one
    for (auto const& text : texts) {
        boost::system::error_code ec;
        auto const value = boost::json::parse(text, ec);
        auto record = ec ? std::nullopt : domain::key_record_from_stored(value);
        if (!record) {
            log_event(log_level::error, "key_record_unreadable", {{"bytes", text.size()}});
            continue;
        }
        keys.push_back(std::move(*record));
    }
    publish(std::make_shared<key_ring const>(secret_, std::move(keys), configured_tenants_), revision);
}

domain::result<domain::key_record> key_directory::stored_key(std::string const& id) const {
    auto const ring = current();
    auto const* k = ring->find(id);
    if (!k) return domain::make_error(errc::not_found, "No API key has the id '" + domain::truncate_for_message(id) + "'");
    if (k->from_config)
        return domain::make_error(errc::conflict, "The key '" + id + "' is declared in the config file: change it there");
    return *k;
}

net::awaitable<domain::result<domain::key_record>> key_directory::write(key_store& store, domain::key_record record) {
    bool const saved =
        co_await store.save(record.id, boost::json::serialize(domain::stored_form(record)), record.revoked());
    if (!saved) co_return domain::make_error(errc::conflict, "The key '" + record.id + "' has been revoked");
    co_await refresh(store, true); // this instance sees its own write at once
    co_return record;
}

net::awaitable<domain::result<new_key>> key_directory::create(key_store& store, domain::key_changes const& spec,
                                                              std::int64_t now_unix) {
    auto minted = key_ring::mint(secret_);
    domain::key_record record;
    record.id = record.grant.key_id = minted.id;
    record.secret_hash = minted.secret_hash;
    record.created_unix = now_unix;
    domain::apply_changes(spec, record);
    auto written = co_await write(store, std::move(record));
    if (!written) co_return written.error();
    co_return new_key{std::move(minted.text), std::move(*written)};
}

net::awaitable<domain::result<domain::key_record>> key_directory::update(key_store& store, std::string const& id,
                                                                         domain::key_changes const& changes,
                                                                         std::int64_t) {
    auto record = stored_key(id);
    if (!record) co_return record.error();
    if (record->revoked()) co_return domain::make_error(errc::conflict, "The key '" + id + "' has been revoked");
    domain::apply_changes(changes, *record);
    co_return co_await write(store, std::move(*record));
}

net::awaitable<domain::result<domain::key_record>> key_directory::revoke(key_store& store, std::string const& id,
                                                                         std::int64_t now_unix) {
    auto record = stored_key(id);
    if (!record) co_return record.error();
    if (record->revoked()) co_return *record; // revoking twice is revoking once
    record->revoked_unix = now_unix;
    record->previous_hash.clear();
    co_return co_await write(store, std::move(*record));
}

net::awaitable<domain::result<new_key>> key_directory::rotate(key_store& store, std::string const& id,
                                                              std::chrono::seconds grace, std::int64_t now_unix) {
    auto record = stored_key(id);
    if (!record) co_return record.error();
    if (record->revoked()) co_return domain::make_error(errc::conflict, "The key '" + id + "' has been revoked");
    // The same public id, a new secret: the key's tenant, limits and history stay one.
    auto const minted = key_ring::mint(secret_);
    auto const secret = minted.text.substr(minted.text.find('_') + 1);
    record->previous_hash = grace.count() > 0 ? record->secret_hash : std::string();
    record->previous_until = grace.count() > 0 ? now_unix + grace.count() : 0;
    record->secret_hash = key_ring::hash_secret(secret_, secret);
    auto written = co_await write(store, std::move(*record));
    if (!written) co_return written.error();
    co_return new_key{std::string(domain::api_key_prefix) + id + "_" + secret, std::move(*written)};
}

} // namespace switchboard::adapters
