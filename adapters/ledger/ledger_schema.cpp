// The usage ledger's SQL for SQLite and PostgreSQL (ledger_schema.hpp).
#include "adapters/ledger/ledger_schema.hpp"

namespace switchboard::adapters::ledger_sql {
namespace {
using domain::ledger::usage_grouping;

std::string placeholder(dialect d, std::size_t n) {
    return d == dialect::postgres ? "$" + std::to_string(n) : "?" + std::to_string(n);
}

std::string text_col(std::string_view name) { return std::string(name) + " TEXT NOT NULL DEFAULT ''"; }

std::string group_expression(usage_grouping g) {
    switch (g) {
    case usage_grouping::total: return "''";
    case usage_grouping::tenant: return "tenant";
    case usage_grouping::key: return "key_id";
    case usage_grouping::model: return "model_group";
    case usage_grouping::provider: return "provider";
    case usage_grouping::route: return "route";
    case usage_grouping::day: return "CAST(at_unix_ms / 86400000 AS TEXT)"; // days since the epoch
    }
    return "''";
}
} // namespace

std::vector<std::string_view> const& row_columns() {
    static std::vector<std::string_view> const columns{
        "at_unix_ms", "request_id", "tenant",     "key_id",        "end_user",  "route",      "model_group",
        "provider",   "model",      "status",     "error_code",    "tokens_in", "tokens_out", "tokens_cached",
        "cost_usd",   "saved_usd",  "latency_us", "overhead_us",   "cache",     "budget_id"};
    return columns;
}

std::string migrations_table(dialect d) {
    return std::string("CREATE TABLE IF NOT EXISTS ledger_migrations (version INTEGER PRIMARY KEY, applied_unix_ms ") +
           (d == dialect::postgres ? "BIGINT" : "INTEGER") + " NOT NULL)";
}

std::vector<migration> migrations(dialect d) {
    bool const pg = d == dialect::postgres;
    std::string const big = pg ? "BIGINT" : "INTEGER";
    std::string const real = pg ? "DOUBLE PRECISION" : "REAL";
    std::string const id = pg ? "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "id INTEGER PRIMARY KEY";
    std::string usage = "CREATE TABLE usage (" + id + ", at_unix_ms " + big + " NOT NULL, " + text_col("request_id") +
                        ", " + text_col("tenant") + ", " + text_col("key_id") + ", " + text_col("end_user") + ", " +
                        text_col("route") + ", " + text_col("model_group") + ", " + text_col("provider") + ", " +
                        text_col("model") + ", status INTEGER NOT NULL, " + text_col("error_code") + ", tokens_in " +
                        big + " NOT NULL, tokens_out " + big + " NOT NULL, tokens_cached " + big +
                        " NOT NULL, cost_usd " + real + " NOT NULL, saved_usd " + real + " NOT NULL, latency_us " +
                        big + " NOT NULL, overhead_us " + big + " NOT NULL, " + text_col("cache") + ", " +
                        text_col("budget_id") + ")";
    std::string payloads = "CREATE TABLE usage_payloads (" + id + ", at_unix_ms " + big + " NOT NULL, " +
                           text_col("request_id") + ", " + text_col("request_body") + ", " + text_col("response_body") + ")";
    return {{1,
             {std::move(usage), "CREATE INDEX usage_at ON usage (at_unix_ms)",
              "CREATE INDEX usage_tenant_at ON usage (tenant, at_unix_ms)"}},
            {2, {std::move(payloads), "CREATE INDEX usage_payloads_at ON usage_payloads (at_unix_ms)"}}};
}

std::string insert(dialect d, std::size_t rows) {
    auto const& columns = row_columns();
    std::string sql = "INSERT INTO usage (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + std::string(columns[i]);
    sql += ") VALUES ";
    std::size_t n = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r ? ", (" : "(";
        for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + placeholder(d, ++n);
        sql += ")";
    }
    return sql;
}

std::string sum(dialect d, domain::ledger::usage_query const& q) {
    std::string sql = "SELECT " + group_expression(q.group_by) +
                      " AS grp, COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), SUM(tokens_in), "
                      "SUM(tokens_out), SUM(tokens_cached), SUM(cost_usd), SUM(saved_usd), "
                      "SUM(CASE WHEN cache = 'hit' THEN 1 ELSE 0 END), SUM(latency_us), SUM(overhead_us) "
                      "FROM usage WHERE at_unix_ms >= " + placeholder(d, 1) + " AND at_unix_ms < " + placeholder(d, 2);
    if (q.tenant) sql += " AND tenant = " + placeholder(d, 3);
    if (q.served_only) sql += " AND status < 400 AND provider <> '' AND provider <> 'cache'";
    // The total is one row (of zeros when nothing matched: the readers skip it).
    if (q.group_by == usage_grouping::total) return sql;
    return sql + " GROUP BY grp ORDER BY grp LIMIT " + std::to_string(domain::ledger::max_usage_groups + 1);
}

std::string recent_errors(dialect d, domain::ledger::usage_query const& q, std::size_t limit) {
    std::string sql = "SELECT at_unix_ms, request_id, tenant, route, model_group, provider, status, error_code FROM usage "
                      "WHERE at_unix_ms >= " + placeholder(d, 1) + " AND at_unix_ms < " + placeholder(d, 2) +
                      " AND status >= 400";
    if (q.tenant) sql += " AND tenant = " + placeholder(d, 3);
    return sql + " ORDER BY at_unix_ms DESC LIMIT " + std::to_string(limit);
}

std::string forget(dialect d, std::string_view table) {
    std::string const t(table);
    return "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t + " WHERE at_unix_ms < " + placeholder(d, 1) +
           " ORDER BY at_unix_ms LIMIT " + placeholder(d, 2) + ")";
}

std::string insert_payloads(dialect d, std::size_t rows) {
    std::string sql = "INSERT INTO usage_payloads (at_unix_ms, request_id, request_body, response_body) VALUES ";
    std::size_t n = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r ? ", (" : "(";
        for (int i = 0; i < 4; ++i) sql += (i ? ", " : "") + placeholder(d, ++n);
        sql += ")";
    }
    return sql;
}

} // namespace switchboard::adapters::ledger_sql
