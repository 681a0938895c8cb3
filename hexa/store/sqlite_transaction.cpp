#include "hexa/store/sqlite_transaction.hpp"

#include <stdexcept>

#include "hexa/store/sqlite_sql.hpp"

namespace hexa {

namespace {

Record read_row(const sqlite::Statement& st, const Schema& s) {
  Record r;
  r["id"] = st.integer(0);
  for (std::size_t i = 0; i < s.columns.size(); ++i)
    r[s.columns[i].name] = st.value(static_cast<int>(i) + 1, s.columns[i].kind);
  return r;
}

void check_fields(const Schema& s, const Record& r) {
  for (const auto& [name, value] : r)
    if (name != "id") sqlite::kind_of_field(s, name, "to write");
}

}  // namespace

SqliteTransaction::SqliteTransaction(sqlite::Pool::Lease reader) : reader_(std::move(reader)) {
  // Prepared (and cached) rather than exec'd: parsed once per connection, not per transaction.
  (*reader_)->prepare("BEGIN").run();
}

SqliteTransaction::SqliteTransaction(sqlite::GroupCommit::Writer writer) : writer_(std::move(writer)) {}

SqliteTransaction::~SqliteTransaction() {
  if (!open_ || !reader_) return;  // an uncommitted writer rolls itself back
  try {
    (*reader_)->prepare("ROLLBACK").run();
  } catch (...) {
    // The pool closes a connection left inside a transaction, which rolls it back.
  }
}

sqlite::Database& SqliteTransaction::db() {
  if (!open_) throw std::logic_error("the transaction has already committed");
  return writer_ ? writer_->db() : **reader_;
}

sqlite::Database& SqliteTransaction::writable_db() {
  if (!writer_) throw std::logic_error("a write in a read transaction: begin(Access::Write) for changes");
  return db();
}

std::int64_t SqliteTransaction::insert(const Schema& s, const Record& r) {
  check_fields(s, r);
  auto& d = writable_db();
  auto st = d.prepare(sqlite::insert_sql(s));
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    auto it = r.find(s.columns[i].name);
    st.bind(static_cast<int>(i) + 1, it == r.end() ? Value{} : it->second);
  }
  st.run();
  return d.last_insert_rowid();
}

bool SqliteTransaction::update(const Schema& s, std::int64_t id, const Record& r) {
  const std::string sql = sqlite::update_sql(s, r);
  if (sql.empty()) return find(s, id).has_value();  // nothing to set: report existence only
  auto& d = writable_db();
  auto st = d.prepare(sql);
  int index = 1;
  for (const auto& c : s.columns)
    if (auto it = r.find(c.name); it != r.end()) st.bind(index++, it->second);
  st.bind(index, id).run();
  return d.changes() > 0;
}

bool SqliteTransaction::remove(const Schema& s, std::int64_t id) {
  auto& d = writable_db();
  d.prepare("DELETE FROM " + sqlite::quote(s.table) + " WHERE \"id\" = ?").bind(1, id).run();
  return d.changes() > 0;
}

std::optional<Record> SqliteTransaction::find(const Schema& s, std::int64_t id) {
  auto st = db().prepare(sqlite::select_columns_sql(s) + " WHERE \"id\" = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_row(st, s);
}

std::vector<Record> SqliteTransaction::select(const Schema& s, const Query& q) {
  const std::string sql = sqlite::select_columns_sql(s) + sqlite::where_sql(s, q) +
                          sqlite::order_sql(s, q) + " LIMIT ? OFFSET ?";
  auto st = db().prepare(sql);
  int index = 1;
  for (const auto& v : sqlite::where_values(q)) st.bind(index++, v);
  st.bind(index++, q.limit < 0 ? std::int64_t{-1} : q.limit);  // SQLite: negative = no limit
  st.bind(index, q.offset < 0 ? std::int64_t{0} : q.offset);
  std::vector<Record> out;
  while (st.step()) out.push_back(read_row(st, s));
  return out;
}

// Counts the rows the where-list matches; sort and paging do not apply to a count.
std::int64_t SqliteTransaction::count(const Schema& s, const Query& q) {
  auto st = db().prepare("SELECT COUNT(*) FROM " + sqlite::quote(s.table) + sqlite::where_sql(s, q));
  int index = 1;
  for (const auto& v : sqlite::where_values(q)) st.bind(index++, v);
  st.step();
  return st.integer(0);
}

void SqliteTransaction::add_to_outbox(const Event& e) {
  writable_db()
      .prepare(
          "INSERT INTO _outbox (id, type, time_ms, key, source, topic, payload) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, e.id).bind(2, e.type).bind(3, e.time_ms).bind(4, e.key)
      .bind(5, e.source).bind(6, e.topic).bind(7, e.payload)
      .run();
}

bool SqliteTransaction::first_delivery(const std::string& consumer, const std::string& event_id) {
  auto& d = writable_db();
  d.prepare("INSERT OR IGNORE INTO _handled (consumer, event_id) VALUES (?, ?)")
      .bind(1, consumer).bind(2, event_id)
      .run();
  return d.changes() == 1;  // 0: the primary key was already there
}

void SqliteTransaction::commit() {
  if (writer_) writer_->commit();
  else db().prepare("COMMIT").run();
  open_ = false;
}

}  // namespace hexa
