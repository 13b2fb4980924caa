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
    void reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

void run(sqlite3* db, std::string const& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw ledger_error("ledger: " + text);
    }
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
    ~connection() { sqlite3_close_v2(db); }
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
        statement insert(db, ledger_sql::insert(dialect::sqlite, 1));
        for (auto const& r : rows) {
            int at = 0;
            insert.bind(++at, r.at_unix_ms);
            for (auto const* text : {&r.request_id, &r.tenant, &r.key_id, &r.end_user, &r.route, &r.model_group,
                                     &r.provider, &r.model})
                insert.bind(++at, *text);
            insert.bind(++at, std::int64_t{r.status});
            insert.bind(++at, r.error_code);
            for (auto v : {r.tokens_in, r.tokens_out, r.tokens_cached}) insert.bind(++at, v);
            insert.bind(++at, r.cost_usd);
            insert.bind(++at, r.saved_usd);
            insert.bind(++at, r.latency_us);
            insert.bind(++at, r.overhead_us);
            insert.bind(++at, r.cache);
            insert.bind(++at, r.budget_id);
            insert.step(db);
            insert.reset();
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
