#pragma once
// Port: where the usage ledger's rows are kept (SQLite embedded, PostgreSQL for several
// instances). The same schema and queries on both (ledger_schema.hpp); the schema is migrated
// when the store opens. Calls block: the ledger writer's thread appends and forgets, the usage
// queries run on a thread of their own (usage_reader); never a core's thread.
// Errors: ledger_error (the writer counts the batch as failed; a query answers 503).
// Thread safety: append/forget from one thread, sum from one other, at the same time.
#include "domain/ledger/usage_query.hpp"
#include "domain/ledger/usage_row.hpp"

#include <stdexcept>
#include <vector>

namespace switchboard::adapters {

struct ledger_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ledger_store {
  public:
    virtual ~ledger_store() = default;
    // Every row, in one transaction: all are kept or none.
    virtual void append(std::vector<domain::ledger::usage_row> const& rows) = 0;
    // The sums of the rows the query selects, one per group (ordered by group).
    virtual std::vector<domain::ledger::usage_sums> sum(domain::ledger::usage_query const& q) = 0;
    // The latest calls (at most `limit`) the query's span and tenant select that ended in an
    // error (status ≥ 400), newest first.
    virtual std::vector<domain::ledger::failed_call> recent_errors(domain::ledger::usage_query const& q,
                                                                    std::size_t limit) = 0;
    // Deletes at most `at_most` rows that ended before `before_unix_ms`. → rows deleted
    virtual std::size_t forget_before(std::int64_t before_unix_ms, std::size_t at_most) = 0;
    // The same for the calls' bodies (their own retention).
    virtual std::size_t forget_payloads_before(std::int64_t before_unix_ms, std::size_t at_most) = 0;
    // The schema version the store is at (its migrations applied).
    virtual int schema_version() = 0;
};

} // namespace switchboard::adapters
