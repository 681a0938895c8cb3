#include "hexa/store/mariadb_transaction.hpp"

#include <stdexcept>

#include "hexa/model/errors.hpp"
#include "hexa/store/mariadb_sql.hpp"

namespace hexa {

namespace {

std::vector<Kind> kinds_of(const Schema& s) {
  std::vector<Kind> kinds{Kind::Integer};  // the id
  for (const auto& c : s.columns) kinds.push_back(c.kind);
  return kinds;
}

Record to_record(const Schema& s, std::vector<Value>& row) {
  Record out;
  out["id"] = std::move(row[0]);
  for (std::size_t i = 0; i < s.columns.size(); ++i) out[s.columns[i].name] = std::move(row[i + 1]);
  return out;
}

// _handled keys are VARCHAR(255); INSERT IGNORE would silently cut a longer one.
void check_key_length(const std::string& text, const char* what) {
  if (text.size() > 255) throw Invalid(std::string(what) + " longer than 255 bytes");
}

}  // namespace

void MariadbTransaction::begin_on(maria::Connection& c, Access access) {
  if (access == Access::Write) {
    c.exec("START TRANSACTION");  // READ COMMITTED, set per connection
    return;
  }
  // Readers: one snapshot for all their statements (a page and its count agree), as SQLite's
  // read transactions give. Applies to this next transaction only.
  c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  c.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

MariadbTransaction::MariadbTransaction(Lease lease, Access access)
    : lease_(std::move(lease)), writable_(access == Access::Write) {}

MariadbTransaction::~MariadbTransaction() {
  if (!open_) return;
  try {
    lease_->exec("ROLLBACK");
  } catch (...) {
    lease_->mark_broken();  // closing the connection rolls the transaction back
  }
}

// Rows a write transaction reads stay as read until it ends (other writers wait), so a
// read-modify-write is atomic as under SQLite's single writer; READ COMMITTED alone would let
// two writers overwrite each other's change. A locking read sees the newest committed row.
const char* MariadbTransaction::locking() const { return writable_ ? " FOR UPDATE" : ""; }

maria::Connection& MariadbTransaction::conn() {
  if (!open_) throw std::logic_error("the transaction has already committed");
  if (failed_) throw Error(500, "a statement of this transaction failed: it can only roll back");
  return *lease_;
}

maria::Connection& MariadbTransaction::writable() {
  if (!writable_)
    throw std::logic_error("a write in a read transaction: begin(Access::Write) for changes");
  return conn();
}

maria::Statement MariadbTransaction::run(maria::Connection& c, const std::string& sql,
                                         const std::vector<Value>& params) {
  try {
    auto st = c.prepare(sql);
    st.execute(params);
    return st;
  } catch (const Error&) {
    failed_ = true;
    throw;
  }
}

std::vector<Record> MariadbTransaction::rows(const Schema& s, const std::string& sql,
                                             const std::vector<Value>& params) {
  auto st = run(conn(), sql, params);
  const auto kinds = kinds_of(s);
  std::vector<Record> out;
  for (std::vector<Value> row; st.fetch(kinds, row);) out.push_back(to_record(s, row));
  return out;
}

std::int64_t MariadbTransaction::insert(const Schema& s, const Record& r) {
  server_sql::check_fields(s, r, "to write");
  const auto values = server_sql::column_values(s, r);
  return run(writable(), maria::insert_sql(s), values).insert_id();
}

bool MariadbTransaction::update(const Schema& s, std::int64_t id, const Record& r) {
  const auto sql = maria::sql().update(s, r);
  if (sql.empty()) return find(s, id).has_value();  // nothing to set: report existence only
  auto params = server_sql::set_values(s, r);
  params.emplace_back(id);
  return run(writable(), sql, params).affected() > 0;  // matched rows (CLIENT_FOUND_ROWS)
}

bool MariadbTransaction::remove(const Schema& s, std::int64_t id) {
  const auto sql = "DELETE FROM " + maria::sql().quote(s.table) + " WHERE `id` = ?";
  return run(writable(), sql, {id}).affected() > 0;
}

std::optional<Record> MariadbTransaction::find(const Schema& s, std::int64_t id) {
  auto found = rows(s, maria::sql().select_columns(s) + " WHERE `id` = ?" + locking(), {id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Record> MariadbTransaction::select(const Schema& s, const Query& q) {
  auto params = server_sql::where_values(s, q);
  params.emplace_back(q.limit < 0 ? INT64_MAX : q.limit);  // MariaDB has no "LIMIT ALL"
  params.emplace_back(q.offset < 0 ? std::int64_t{0} : q.offset);
  return rows(s, maria::select_sql(s, q) + locking(), params);
}

std::int64_t MariadbTransaction::count(const Schema& s, const Query& q) {
  auto st = run(conn(), maria::count_sql(s, q), server_sql::where_values(s, q));
  std::vector<Value> row;
  st.fetch({Kind::Integer}, row);
  return std::get<std::int64_t>(row.at(0));
}

void MariadbTransaction::add_to_outbox(const Event& e) {
  writable();
  outbox_.push_back(e);
}

bool MariadbTransaction::first_delivery(const std::string& consumer, const std::string& event_id) {
  check_key_length(consumer, "a consumer name");
  check_key_length(event_id, "an event id");
  // A concurrent transaction recording the same pair waits on the key's lock until the first
  // ends, then inserts nothing: exactly one of them sees true.
  auto st = run(writable(), "INSERT IGNORE INTO _handled (consumer, event_id) VALUES (?, ?)",
                {consumer, event_id});
  return st.affected() == 1;
}

// AUTO_INCREMENT hands out values before commit, so two writers could commit their outbox
// rows out of seq order, and a relay removing "through seq N" could then remove a row it never
// read. Rows therefore get their seq under the _outbox_lock row lock, held until COMMIT: seq
// order is commit order. They are written last so the lock is held only for these inserts and
// the commit, and a writer holding it never waits for a row lock (no deadlock).
void MariadbTransaction::write_outbox(maria::Connection& c) {
  std::vector<Value> row;
  run(c, "SELECT id FROM _outbox_lock WHERE id = 1 FOR UPDATE", {}).fetch({Kind::Integer}, row);
  for (const auto& e : outbox_) {
    run(c,
        "INSERT INTO _outbox (id, type, time_ms, `key`, source, topic, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {e.id, e.type, e.time_ms, e.key, e.source, e.topic, e.payload});
  }
}

void MariadbTransaction::commit() {
  auto& c = conn();
  if (!outbox_.empty()) write_outbox(c);
  try {
    c.exec("COMMIT");
  } catch (const Unavailable& e) {
    failed_ = true;
    if (c.broken()) throw Uncertain(std::string("the commit's outcome is unknown: ") + e.what());
    throw;
  }
  open_ = false;
}

}  // namespace hexa
