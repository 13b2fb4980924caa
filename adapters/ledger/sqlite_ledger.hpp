#pragma once
// The usage ledger in an embedded SQLite file (the default): WAL, so the usage queries read
// while the writer writes; one connection for the writer, one for the queries; the schema
// migrated on open. Throws ledger_error when the file cannot be opened or a statement fails.
#include "adapters/ledger/ledger_store.hpp"

#include <memory>
#include <mutex>
#include <string>

struct sqlite3;

namespace switchboard::adapters {

class sqlite_ledger final : public ledger_store {
  public:
    // Opens (creating it and its directory if needed) and migrates the file at `path`.
    explicit sqlite_ledger(std::string const& path);
    ~sqlite_ledger() override;

    void append(std::vector<domain::ledger::usage_row> const& rows) override;
    std::vector<domain::ledger::usage_sums> sum(domain::ledger::usage_query const& q) override;
    std::vector<domain::ledger::failed_call> recent_errors(domain::ledger::usage_query const& q,
                                                            std::size_t limit) override;
    std::size_t forget_before(std::int64_t before_unix_ms, std::size_t at_most) override;
    std::size_t forget_payloads_before(std::int64_t before_unix_ms, std::size_t at_most) override;
    int schema_version() override;

  private:
    struct connection;
    std::size_t forget(connection* c, std::string_view table, std::int64_t before_unix_ms, std::size_t at_most);
    std::unique_ptr<connection> writer_;
    std::unique_ptr<connection> reader_;
};

} // namespace switchboard::adapters
