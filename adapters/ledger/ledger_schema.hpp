#pragma once
// The usage ledger's schema and queries, written once for both stores: the columns of a row in
// one list, the migrations as numbered steps (applied in order at start, each recorded in
// `ledger_migrations`), the sum query per grouping. Only the column types and the placeholder
// style differ between SQLite and PostgreSQL.
#include "domain/ledger/usage_query.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters::ledger_sql {

enum class dialect { sqlite, postgres };

struct migration {
    int version;
    std::vector<std::string> statements;
};
// Every migration, oldest first.
std::vector<migration> migrations(dialect d);
// CREATE TABLE IF NOT EXISTS ledger_migrations (…)
std::string migrations_table(dialect d);

// The usage columns in insert order (usage_row's fields).
std::vector<std::string_view> const& row_columns();
// INSERT INTO usage (…) VALUES (…), (…) … for `rows` rows.
std::string insert(dialect d, std::size_t rows);
// SELECT <group>, COUNT(*), … FROM usage WHERE at_unix_ms >= $1 AND at_unix_ms < $2
// [AND tenant = $3] GROUP BY 1 ORDER BY 1 LIMIT max_usage_groups + 1 (no GROUP BY for the total). Columns: group, requests, errors, tokens_in,
// tokens_out, tokens_cached, cost_usd, saved_usd, cache_hits, latency_us, overhead_us.
std::string sum(dialect d, domain::ledger::usage_query const& q);
// INSERT INTO usage_payloads (at_unix_ms, request_id, request_body, response_body) VALUES … for `rows` rows.
std::string insert_payloads(dialect d, std::size_t rows);
// SELECT at_unix_ms, request_id, tenant, route, model_group, provider, status, error_code of the
// errors in [$1, $2) [AND tenant = $3], newest first, at most `limit`.
std::string recent_errors(dialect d, domain::ledger::usage_query const& q, std::size_t limit);
// Deletes at most $2 rows of `table` (usage or usage_payloads) with at_unix_ms < $1.
std::string forget(dialect d, std::string_view table);

} // namespace switchboard::adapters::ledger_sql
