#pragma once
// The usage ledger in PostgreSQL (several instances, one history): the same schema and queries
// as SQLite (ledger_schema.hpp), migrated under an advisory lock so instances starting together
// apply each migration once. One connection for the writer, one for the queries; a broken one is
// reset on its next use. Batches are multi-row INSERTs in one transaction.
// Errors: ledger_error, whose text never holds the URL's password (libpq's messages name the
// host and port, not the password).
#include "adapters/ledger/ledger_store.hpp"

#include <memory>
#include <string>

namespace switchboard::adapters {

class postgres_ledger final : public ledger_store {
  public:
    // Connects to `url` (postgresql://user:pass@host:port/db) and migrates; throws ledger_error.
    explicit postgres_ledger(std::string const& url);
    ~postgres_ledger() override;

    void append(std::vector<domain::ledger::usage_row> const& rows) override;
    std::vector<domain::ledger::usage_sums> sum(domain::ledger::usage_query const& q) override;
    std::vector<domain::ledger::failed_call> recent_errors(domain::ledger::usage_query const& q,
                                                            std::size_t limit) override;
    std::size_t forget_before(std::int64_t before_unix_ms, std::size_t at_most) override;
    std::size_t forget_payloads_before(std::int64_t before_unix_ms, std::size_t at_most) override;
    int schema_version() override;

  private:
    struct connection;
    std::size_t forget(std::string_view table, std::int64_t before_unix_ms, std::size_t at_most);
    std::unique_ptr<connection> writer_;
    std::unique_ptr<connection> reader_;
};

} // namespace switchboard::adapters
