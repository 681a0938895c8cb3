#include "hexa/store/postgres_transaction.hpp"

#include <algorithm>
#include <stdexcept>

#include "hexa/model/errors.hpp"
#include "hexa/store/postgres_sql.hpp"

namespace hexa {

namespace {

Record read_row(const pg::Result& r, int row, const Schema& s) {
  Record out;
  out["id"] = r.integer(row, 0);
  for (std::size_t i = 0; i < s.columns.size(); ++i)
    out[s.columns[i].name] = r.value(row, static_cast<int>(i) + 1, s.columns[i].kind);
  return out;
}

}  // namespace

const char* PostgresTransaction::begin_sql(Access access) {
  // Writers: READ COMMITTED; a unique violation or a lock timeout surfaces as an error.
  // Readers: one snapshot for all their statements (a page and its count agree), as SQLite's
  // read transactions give; read-only REPEATABLE READ never fails to serialize.
  return access == Access::Write ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                 : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

PostgresTransaction::PostgresTransaction(Lease lease, Access access)
    : lease_(std::move(lease)), writable_(access == Access::Write) {}

PostgresTransaction::~PostgresTransaction() {
  if (!open_) return;
  try {
    lease_->exec("ROLLBACK");
  } catch (...) {
    // The pool closes a connection left inside a transaction, which rolls it back.
  }
}

// Rows a write transaction reads stay as read until it ends (other writers wait), so a
// read-modify-write is atomic as under SQLite's single writer; READ COMMITTED alone would let
// two writers overwrite each other's change. The wait re-reads the row's newest version.
const char* PostgresTransaction::locking() const { return writable_ ? " FOR UPDATE" : ""; }

pg::Connection& PostgresTransaction::conn() {
  if (!open_) throw std::logic_error("the transaction has already committed");
  return *lease_;
}

pg::Connection& PostgresTransaction::writable() {
  if (!writable_)
    throw std::logic_error("a write in a read transaction: begin(Access::Write) for changes");
  return conn();
}

std::int64_t PostgresTransaction::insert(const Schema& s, const Record& r) {
  server_sql::check_fields(s, r, "to write");
  return writable().run(pg::insert_sql(s), server_sql::column_values(s, r)).integer(0, 0);
}

bool PostgresTransaction::update(const Schema& s, std::int64_t id, const Record& r) {
  const auto sql = pg::sql().update(s, r);
  if (sql.empty()) return find(s, id).has_value();  // nothing to set: report existence only
  auto params = server_sql::set_values(s, r);
  params.emplace_back(id);
  return writable().run(sql, params).affected() > 0;
}

bool PostgresTransaction::remove(const Schema& s, std::int64_t id) {
  const auto sql = "DELETE FROM " + pg::sql().quote(s.table) + " WHERE \"id\" = $1";
  return writable().run(sql, {id}).affected() > 0;
}

std::optional<Record> PostgresTransaction::find(const Schema& s, std::int64_t id) {
  const auto r = conn().run(pg::sql().select_columns(s) + " WHERE \"id\" = $1" + locking(), {id});
  if (r.rows() == 0) return std::nullopt;
  return read_row(r, 0, s);
}

std::vector<Record> PostgresTransaction::select(const Schema& s, const Query& q) {
  auto params = server_sql::where_values(s, q);
  params.emplace_back(q.limit);
  if (q.limit < 0) params.back() = std::monostate{};  // LIMIT NULL: all rows
  params.emplace_back(std::max(q.offset, std::int64_t{0}));
  const auto r = conn().run(pg::select_sql(s, q) + locking(), params);
  std::vector<Record> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) out.push_back(read_row(r, row, s));
  return out;
}

std::int64_t PostgresTransaction::count(const Schema& s, const Query& q) {
  return conn().run(pg::count_sql(s, q), server_sql::where_values(s, q)).integer(0, 0);
}

void PostgresTransaction::add_to_outbox(const Event& e) {
  writable();
  outbox_.push_back(e);
}

bool PostgresTransaction::first_delivery(const std::string& consumer, const std::string& event_id) {
  // A concurrent transaction recording the same pair waits here for the first to end, then
  // inserts nothing: exactly one of them sees true.
  const auto r = writable().run(
      "INSERT INTO _handled (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
      {consumer, event_id});
  return r.affected() == 1;
}

// Sequences hand out values before commit, so two writers could commit their outbox rows out
// of seq order, and a relay removing "through seq N" could then remove a row it never read.
// Rows therefore get their seq under a lock held until COMMIT: seq order is commit order. They
// are written last so the lock is held only for these inserts and the commit, and a writer
// holding it never waits for a row lock (no deadlock with other writers).
void PostgresTransaction::write_outbox(pg::Connection& c) {
  c.exec(pg::kOutboxLock);
  for (const auto& e : outbox_) {
    c.run("INSERT INTO _outbox (id, type, time_ms, key, source, topic, payload) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {e.id, e.type, e.time_ms, e.key, e.source, e.topic, e.payload});
  }
}

void PostgresTransaction::commit() {
  auto& c = conn();
  // PostgreSQL answers COMMIT of a failed transaction with a silent ROLLBACK.
  if (c.transaction_status() == PQTRANS_INERROR)
    throw Error(500, "cannot commit: a statement of this transaction failed");
  if (!outbox_.empty()) write_outbox(c);
  try {
    c.exec("COMMIT");
  } catch (const Unavailable& e) {
    if (c.broken()) throw Uncertain(std::string("the commit's outcome is unknown: ") + e.what());
    throw;
  }
  open_ = false;
}

}  // namespace hexa
