// The usage ledger on SQLite (sqlite_ledger.hpp).
#include "adapters/ledger/sqlite_ledger.hpp"

#include "adapters/ledger/ledger_schema.hpp"
#include "adapters/wall_clock.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <optional>

namespace switchboard::adapters {
namespace {
using ledger_sql::dialect;

// A prepared statement, finalized when it goes.
struct statement {
    sqlite3_stmt* s = nullptr;
    statement(sqlite3* db, std::string const& sql) {
        if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
            throw ledger_error(std::string("ledger: cannot prepare a statement: ") + sqlite3_errmsg(db));
    }
    ~statement() { sqlite3_finalize(s); }
    statement(statement const&) = delete;
    statement& operator=(statement const&) = delete;
    void bind(int at, std::int64_t v) { sqlite3_bind_int64(s, at, v); }
    void bind(int at, double v) { sqlite3_bind_double(s, at, v); }
    void bind(int at, std::string const& v) { sqlite3_bind_text(s, at, v.data(), static_cast<int>(v.size()), SQLITE_STATIC); }
    // SQLITE_ROW or SQLITE_DONE; anything else throws.
    int step(sqlite3* db) {
        int const rc = sqlite3_step(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            throw ledger_error(std::string("ledger: a statement failed: ") + sqlite3_errmsg(db));
        return rc;
    }
    // Every use binds every parameter, so the bindings are left as they are.
    void reset() { sqlite3_reset(s); }
};

void run(sqlite3* db, std::string const& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw ledger_error("ledger: " + text);
    }
}

// Rows per multi-row insert: 20 columns each, 640 parameters (SQLite allows 32,766).
constexpr std::size_t rows_per_insert = 32;

// The insert of `rows` rows kept in `kept`, prepared on first use, reset before each use: a batch
// that failed may have left it stepped, and SQLite refuses new bindings (keeping the old ones,
// which point into that batch's rows) on a statement not reset.
statement& prepared(sqlite3* db, std::optional<statement>& kept, std::size_t rows) {
    if (!kept) kept.emplace(db, ledger_sql::insert(dialect::sqlite, rows));
    kept->reset();
    return *kept;
}

// Binds row `r` of a multi-row insert (its columns in ledger_sql::row_columns() order). Every
// parameter is bound each time, so a reset statement needs no clearing.
void bind_row(statement& insert, std::size_t r, domain::ledger::usage_row const& row) {
    int at = static_cast<int>(r * ledger_sql::row_columns().size());
    insert.bind(++at, row.at_unix_ms);
    for (auto const* text : {&row.request_id, &row.tenant, &row.key_id, &row.end_user, &row.route, &row.model_group,
                             &row.provider, &row.model})
        insert.bind(++at, *text);
    insert.bind(++at, std::int64_t{row.status});
    insert.bind(++at, row.error_code);
    for (auto v : {row.tokens_in, row.tokens_out, row.tokens_cached}) insert.bind(++at, v);
    insert.bind(++at, row.cost_usd);
    insert.bind(++at, row.saved_usd);
    insert.bind(++at, row.latency_us);
    insert.bind(++at, row.overhead_us);
    insert.bind(++at, row.cache);
    insert.bind(++at, row.budget_id);
}

void append_payloads(sqlite3* db, std::vector<domain::ledger::usage_row> const& rows) {
    std::optional<statement> insert;
    for (auto const& r : rows) {
        if (!r.payload) continue;
        if (!insert) insert.emplace(db, ledger_sql::insert_payloads(dialect::sqlite, 1));
        insert->bind(1, r.at_unix_ms);
        insert->bind(2, r.request_id);
        insert->bind(3, r.payload->request);
        insert->bind(4, r.payload->response);
        insert->step(db);
        insert->reset();
    }
}

int current_version(sqlite3* db) {
    statement q(db, "SELECT COALESCE(MAX(version), 0) FROM ledger_migrations");
    q.step(db);
    return sqlite3_column_int(q.s, 0);
}

void migrate(sqlite3* db) {
    run(db, ledger_sql::migrations_table(dialect::sqlite));
    for (auto const& m : ledger_sql::migrations(dialect::sqlite)) {
        run(db, "BEGIN IMMEDIATE"); // one instance migrates at a time
        try {
            if (current_version(db) < m.version) {
                for (auto const& sql : m.statements) run(db, sql);
                run(db, "INSERT INTO ledger_migrations (version, applied_unix_ms) VALUES (" +
                            std::to_string(m.version) + ", " + std::to_string(unix_now_ms()) + ")");
            }
            run(db, "COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}
} // namespace

struct sqlite_ledger::connection {
    sqlite3* db = nullptr;
    std::mutex mutex;
    // The writer's inserts, prepared on first use and kept: one of `rows_per_insert` rows, one of one.
    std::optional<statement> insert_many, insert_one;
    explicit connection(std::string const& path) {
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr) != SQLITE_OK) {
            std::string const why = db ? sqlite3_errmsg(db) : "out of memory";
            sqlite3_close(db);
            throw ledger_error("ledger: cannot open " + path + ": " + why);
        }
        sqlite3_busy_timeout(db, 5000); // another process writing the same file (a second instance)
        run(db, "PRAGMA journal_mode=WAL");
        run(db, "PRAGMA synchronous=NORMAL"); // durable at each checkpoint; a crash loses at most the last commits
    }
    ~connection() {
        insert_many.reset(); // finalized before the connection closes
        insert_one.reset();
        sqlite3_close_v2(db);
    }
};

sqlite_ledger::sqlite_ledger(std::string const& path) {
    auto const dir = std::filesystem::path(path).parent_path();
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::create_directories(dir, ignored);
    writer_ = std::make_unique<connection>(path);
    migrate(writer_->db);
    reader_ = std::make_unique<connection>(path);
}

sqlite_ledger::~sqlite_ledger() = default;

void sqlite_ledger::append(std::vector<domain::ledger::usage_row> const& rows) {
    std::lock_guard lock(writer_->mutex);
    auto* db = writer_->db;
    run(db, "BEGIN IMMEDIATE");
    try {
        // Rows go in `rows_per_insert` to a statement: SQLite's per-statement work (the VDBE's
        // start and halt, the statement journal, the reset) is paid once per chunk, not per row.
        std::size_t at = 0;
        if (rows.size() >= rows_per_insert) {
            auto& many = prepared(db, writer_->insert_many, rows_per_insert);
            for (; rows.size() - at >= rows_per_insert; at += rows_per_insert) {
                for (std::size_t r = 0; r < rows_per_insert; ++r) bind_row(many, r, rows[at + r]);
                many.step(db);
                many.reset();
            }
        }
        if (at < rows.size()) {
            auto& one = prepared(db, writer_->insert_one, 1);
            for (; at < rows.size(); ++at) {
                bind_row(one, 0, rows[at]);
                one.step(db);
                one.reset();
            }
        }
        append_payloads(db, rows);
        run(db, "COMMIT");
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<domain::ledger::usage_sums> sqlite_ledger::sum(domain::ledger::usage_query const& q) {
    std::lock_guard lock(reader_->mutex);
    auto* db = reader_->db;
    statement query(db, ledger_sql::sum(dialect::sqlite, q));
    query.bind(1, q.from_unix_ms);
    query.bind(2, q.to_unix_ms);
    if (q.tenant) query.bind(3, *q.tenant);
    std::vector<domain::ledger::usage_sums> out;
    while (query.step(db) == SQLITE_ROW) {
        domain::ledger::usage_sums s;
        auto const* group = reinterpret_cast<char const*>(sqlite3_column_text(query.s, 0));
        s.group = group ? group : "";
        if (q.group_by == domain::ledger::usage_grouping::day) s.group = domain::ledger::day_group(std::stoll(s.group));
        auto i64 = [&](int c) { return static_cast<std::int64_t>(sqlite3_column_int64(query.s, c)); };
        s.requests = i64(1);
        s.errors = i64(2);
        s.tokens_in = i64(3);
        s.tokens_out = i64(4);
        s.tokens_cached = i64(5);
        s.cost_usd = sqlite3_column_double(query.s, 6);
        s.saved_usd = sqlite3_column_double(query.s, 7);
        s.cache_hits = i64(8);
        s.latency_us = i64(9);
        s.overhead_us = i64(10);
        if (s.requests > 0) out.push_back(std::move(s));
    }
    return out;
}

std::vector<domain::ledger::failed_call> sqlite_ledger::recent_errors(domain::ledger::usage_query const& q,
                                                                      std::size_t limit) {
    std::lock_guard lock(reader_->mutex);
    auto* db = reader_->db;
    statement query(db, ledger_sql::recent_errors(dialect::sqlite, q, limit));
    query.bind(1, q.from_unix_ms);
    query.bind(2, q.to_unix_ms);
    if (q.tenant) query.bind(3, *q.tenant);
    auto text = [&](int c) {
        auto const* t = reinterpret_cast<char const*>(sqlite3_column_text(query.s, c));
        return std::string(t ? t : "");
    };
    std::vector<domain::ledger::failed_call> out;
    while (query.step(db) == SQLITE_ROW)
        out.push_back({sqlite3_column_int64(query.s, 0), text(1), text(2), text(3), text(4), text(5), text(7),
                       sqlite3_column_int(query.s, 6)});
    return out;
}

std::size_t sqlite_ledger::forget_before(std::int64_t before_unix_ms, std::size_t at_most) {
    return forget(writer_.get(), "usage", before_unix_ms, at_most);
}

std::size_t sqlite_ledger::forget_payloads_before(std::int64_t before_unix_ms, std::size_t at_most) {
    return forget(writer_.get(), "usage_payloads", before_unix_ms, at_most);
}

std::size_t sqlite_ledger::forget(connection* c, std::string_view table, std::int64_t before_unix_ms, std::size_t at_most) {
    std::lock_guard lock(c->mutex);
    auto* db = c->db;
    statement forget(db, ledger_sql::forget(dialect::sqlite, table));
    forget.bind(1, before_unix_ms);
    forget.bind(2, static_cast<std::int64_t>(at_most));
    forget.step(db);
    return static_cast<std::size_t>(sqlite3_changes(db));
}

int sqlite_ledger::schema_version() {
    std::lock_guard lock(reader_->mutex);
    return current_version(reader_->db);
}

} // namespace switchboard::adapters
