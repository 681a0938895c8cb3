#include "hexa/store/sqlite_store.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "hexa/model/errors.hpp"
#include "hexa/store/sqlite_sql.hpp"
#include "hexa/store/sqlite_transaction.hpp"

namespace hexa {

namespace {

std::string with_parent_dirs(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  return path;
}

std::set<std::string> existing_columns(sqlite::Database& db, const std::string& table) {
  std::set<std::string> names;
  auto st = db.prepare("SELECT name FROM pragma_table_info(?)");
  st.bind(1, table);
  while (st.step()) names.insert(st.text(0));
  return names;
}

}  // namespace

SqliteStore::SqliteStore(SqliteOptions options)
    : checkpointer_({with_parent_dirs(options.path)}, options.open),
      pool_(options.path, checkpointer_.served(options.open), options.pool_size),
      busy_timeout_(options.open.busy_timeout),
      writes_(pool_, busy_timeout_) {
  create_framework_tables();
}

void SqliteStore::create_framework_tables() {
  auto write = writes_.begin();
  // AUTOINCREMENT: a seq is never reused after its row is removed, so a relay's
  // "remove through seq" can never delete an event committed later.
  write.db().exec(
      "CREATE TABLE IF NOT EXISTS _outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
      " id TEXT NOT NULL, type TEXT NOT NULL, time_ms INTEGER NOT NULL, key TEXT NOT NULL,"
      " source TEXT NOT NULL, topic TEXT NOT NULL, payload TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS _handled (consumer TEXT NOT NULL, event_id TEXT NOT NULL,"
      " PRIMARY KEY (consumer, event_id)) WITHOUT ROWID");
  write.commit();
}

void SqliteStore::migrate(const Schema& s) {
  if (s.table.empty()) throw Invalid("a schema needs a table name");
  auto write = writes_.begin();
  // One transaction: processes migrating the same file at start-up see all of it or none.
  auto& db = write.db();
  db.exec(sqlite::create_table_sql(s));
  const auto existing = existing_columns(db, s.table);
  for (const auto& c : s.columns) {
    // A column's kind is not changed later: SQLite types are affinities and values keep
    // whatever kind they were written with.
    if (!existing.contains(c.name)) db.exec(sqlite::add_column_sql(s, c));
    if (auto sql = sqlite::index_sql(s, c); !sql.empty()) db.exec(sql);
  }
  write.commit();
}

std::unique_ptr<Transaction> SqliteStore::begin(Access access) {
  if (access == Access::Write) return std::make_unique<SqliteTransaction>(writes_.begin());
  return std::make_unique<SqliteTransaction>(pool_.acquire(busy_timeout_));
}

std::vector<OutboxEntry> SqliteStore::outbox_batch(std::size_t limit) {
  auto db = pool_.acquire(busy_timeout_);
  auto st = db->prepare(
      "SELECT seq, id, type, time_ms, key, source, topic, payload FROM _outbox "
      "ORDER BY seq LIMIT ?");
  st.bind(1, static_cast<std::int64_t>(limit));
  std::vector<OutboxEntry> out;
  while (st.step()) {
    out.push_back({st.integer(0),
                   Event{st.text(1), st.text(2), st.integer(3), st.text(4), st.text(5),
                         st.text(6), st.text(7)}});
  }
  return out;
}

void SqliteStore::outbox_remove_through(std::int64_t seq) {
  auto write = writes_.begin();
  write.db().prepare("DELETE FROM _outbox WHERE seq <= ?").bind(1, seq).run();
  write.commit();
}

bool SqliteStore::healthy() {
  try {
    // Bounded by a second: a health probe must answer even when every connection is busy.
    auto db = pool_.acquire(std::min(busy_timeout_, std::chrono::milliseconds{1000}));
    auto st = db->prepare("SELECT count(*) FROM sqlite_master");  // reads the file itself
    return st.step();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace hexa
