// The usage ledger on PostgreSQL through libpq (postgres_ledger.hpp).
#include "adapters/ledger/postgres_ledger.hpp"

#include "adapters/ledger/ledger_schema.hpp"
#include "adapters/wall_clock.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <mutex>

namespace switchboard::adapters {
namespace {
using ledger_sql::dialect;
constexpr std::size_t rows_per_insert = 500; // 20 columns: 10,000 parameters (the limit is 65,535)
constexpr long long migration_lock = 0x5357'4C45'4447'4552; // "SWLEDGER": the advisory lock's key

// A result, cleared when it goes; a failed one throws with the server's message.
struct result {
    PGresult* r;
    result(PGconn* c, PGresult* res) : r(res) {
        auto const status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            std::string message = PQresultErrorMessage(r);
            if (message.empty()) message = PQerrorMessage(c);
            PQclear(r);
            throw ledger_error("ledger: " + message);
        }
    }
    ~result() { PQclear(r); }
    result(result const&) = delete;
    result& operator=(result const&) = delete;
    std::string_view text(int row, int col) const { return {PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col))}; }
    std::int64_t integer(int row, int col) const {
        std::int64_t v = 0;
        auto const t = text(row, col);
        std::from_chars(t.data(), t.data() + t.size(), v);
        return v;
    }
    double number(int row, int col) const { return std::strtod(PQgetvalue(r, row, col), nullptr); }
};

result exec(PGconn* c, std::string const& sql) {
    return result(c, PQexec(c, sql.c_str()));
}

result exec(PGconn* c, std::string const& sql, std::vector<std::string> const& params) {
    std::vector<char const*> values;
    values.reserve(params.size());
    for (auto const& p : params) values.push_back(p.c_str());
    return result(c, PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                  nullptr, 0));
}

std::string number_text(double v) {
    char out[32];
    auto const end = std::to_chars(out, out + sizeof out, v).ptr;
    return std::string(out, end);
}

void add_params(std::vector<std::string>& out, domain::ledger::usage_row const& r) {
    out.push_back(std::to_string(r.at_unix_ms));
    for (auto const* text : {&r.request_id, &r.tenant, &r.key_id, &r.end_user, &r.route, &r.model_group, &r.provider,
                             &r.model})
        out.push_back(*text);
    out.push_back(std::to_string(r.status));
    out.push_back(r.error_code);
    for (auto v : {r.tokens_in, r.tokens_out, r.tokens_cached}) out.push_back(std::to_string(v));
    out.push_back(number_text(r.cost_usd));
    out.push_back(number_text(r.saved_usd));
    out.push_back(std::to_string(r.latency_us));
    out.push_back(std::to_string(r.overhead_us));
    out.push_back(r.cache);
    out.push_back(r.budget_id);
}

void append_payloads(PGconn* c, std::vector<domain::ledger::usage_row> const& rows) {
    std::vector<std::string> params;
    std::size_t n = 0;
    auto flush = [&] {
        if (n) exec(c, ledger_sql::insert_payloads(dialect::postgres, n), params);
        params.clear(), n = 0;
    };
    for (auto const& r : rows) {
        if (!r.payload) continue;
        params.insert(params.end(), {std::to_string(r.at_unix_ms), r.request_id, r.payload->request, r.payload->response});
        if (++n == rows_per_insert) flush();
    }
    flush();
}

int current_version(PGconn* c) {
    return static_cast<int>(exec(c, "SELECT COALESCE(MAX(version), 0) FROM ledger_migrations").integer(0, 0));
}
} // namespace

struct postgres_ledger::connection {
    PGconn* c = nullptr;
    std::mutex mutex;
    explicit connection(std::string const& url) : c(PQconnectdb(url.c_str())) {
        if (PQstatus(c) != CONNECTION_OK) {
            std::string const why = c ? PQerrorMessage(c) : "out of memory";
            PQfinish(c);
            throw ledger_error("ledger: cannot connect to PostgreSQL: " + why);
        }
        PQsetNoticeProcessor(c, [](void*, char const*) {}, nullptr); // NOTICEs are not ours to print
    }
    ~connection() { PQfinish(c); }
    // The connection, reset first if it broke (the server restarted, the network dropped).
    PGconn* ready() {
        if (PQstatus(c) != CONNECTION_OK) PQreset(c);
        if (PQstatus(c) != CONNECTION_OK) throw ledger_error(std::string("ledger: PostgreSQL unreachable: ") + PQerrorMessage(c));
        return c;
    }
};

postgres_ledger::postgres_ledger(std::string const& url)
    : writer_(std::make_unique<connection>(url)), reader_(std::make_unique<connection>(url)) {
    auto* c = writer_->c;
    exec(c, "SELECT pg_advisory_lock(" + std::to_string(migration_lock) + ")");
    try {
        exec(c, ledger_sql::migrations_table(dialect::postgres));
        for (auto const& m : ledger_sql::migrations(dialect::postgres)) {
            if (current_version(c) >= m.version) continue;
            exec(c, "BEGIN");
            try {
                for (auto const& sql : m.statements) exec(c, sql);
                exec(c, "INSERT INTO ledger_migrations (version, applied_unix_ms) VALUES (" + std::to_string(m.version) +
                            ", " + std::to_string(unix_now_ms()) + ")");
                exec(c, "COMMIT");
            } catch (...) {
                PQclear(PQexec(c, "ROLLBACK"));
                throw;
            }
        }
    } catch (...) {
        PQclear(PQexec(c, ("SELECT pg_advisory_unlock(" + std::to_string(migration_lock) + ")").c_str()));
        throw;
    }
    exec(c, "SELECT pg_advisory_unlock(" + std::to_string(migration_lock) + ")");
}

postgres_ledger::~postgres_ledger() = default;

void postgres_ledger::append(std::vector<domain::ledger::usage_row> const& rows) {
    std::lock_guard lock(writer_->mutex);
    auto* c = writer_->ready();
    exec(c, "BEGIN");
    try {
        std::vector<std::string> params;
        for (std::size_t at = 0; at < rows.size(); at += rows_per_insert) {
            auto const n = std::min(rows_per_insert, rows.size() - at);
            params.clear();
            for (std::size_t i = at; i < at + n; ++i) add_params(params, rows[i]);
            exec(c, ledger_sql::insert(dialect::postgres, n), params);
        }
        append_payloads(c, rows);
        exec(c, "COMMIT");
    } catch (...) {
        PQclear(PQexec(c, "ROLLBACK"));
        throw;
    }
}

std::vector<domain::ledger::usage_sums> postgres_ledger::sum(domain::ledger::usage_query const& q) {
    std::lock_guard lock(reader_->mutex);
    auto* c = reader_->ready();
    std::vector<std::string> params{std::to_string(q.from_unix_ms), std::to_string(q.to_unix_ms)};
    if (q.tenant) params.push_back(*q.tenant);
    auto const r = exec(c, ledger_sql::sum(dialect::postgres, q), params);
    std::vector<domain::ledger::usage_sums> out;
    for (int row = 0; row < PQntuples(r.r); ++row) {
        domain::ledger::usage_sums s;
        s.group = std::string(r.text(row, 0));
        if (q.group_by == domain::ledger::usage_grouping::day) s.group = domain::ledger::day_group(r.integer(row, 0));
        s.requests = r.integer(row, 1);
        s.errors = r.integer(row, 2);
        s.tokens_in = r.integer(row, 3);
        s.tokens_out = r.integer(row, 4);
        s.tokens_cached = r.integer(row, 5);
        s.cost_usd = r.number(row, 6);
        s.saved_usd = r.number(row, 7);
        s.cache_hits = r.integer(row, 8);
        s.latency_us = r.integer(row, 9);
        s.overhead_us = r.integer(row, 10);
        if (s.requests > 0) out.push_back(std::move(s));
    }
    return out;
}

std::vector<domain::ledger::failed_call> postgres_ledger::recent_errors(domain::ledger::usage_query const& q,
                                                                        std::size_t limit) {
    std::lock_guard lock(reader_->mutex);
    auto* c = reader_->ready();
    std::vector<std::string> params{std::to_string(q.from_unix_ms), std::to_string(q.to_unix_ms)};
    if (q.tenant) params.push_back(*q.tenant);
    auto const r = exec(c, ledger_sql::recent_errors(dialect::postgres, q, limit), params);
    std::vector<domain::ledger::failed_call> out;
    for (int row = 0; row < PQntuples(r.r); ++row) {
        auto text = [&](int col) { return std::string(r.text(row, col)); };
        out.push_back({r.integer(row, 0), text(1), text(2), text(3), text(4), text(5), text(7),
                       static_cast<int>(r.integer(row, 6))});
    }
    return out;
}

std::size_t postgres_ledger::forget_before(std::int64_t before_unix_ms, std::size_t at_most) {
    return forget("usage", before_unix_ms, at_most);
}

std::size_t postgres_ledger::forget_payloads_before(std::int64_t before_unix_ms, std::size_t at_most) {
    return forget("usage_payloads", before_unix_ms, at_most);
}

std::size_t postgres_ledger::forget(std::string_view table, std::int64_t before_unix_ms, std::size_t at_most) {
    std::lock_guard lock(writer_->mutex);
    auto* c = writer_->ready();
    auto const r = exec(c, ledger_sql::forget(dialect::postgres, table), {std::to_string(before_unix_ms), std::to_string(at_most)});
    return static_cast<std::size_t>(std::strtoull(PQcmdTuples(r.r), nullptr, 10));
}

int postgres_ledger::schema_version() {
    std::lock_guard lock(reader_->mutex);
    return current_version(reader_->ready());
}

} // namespace switchboard::adapters
