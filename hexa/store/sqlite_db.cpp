#include "hexa/store/sqlite_db.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include "hexa/model/errors.hpp"
#include "hexa/store/sqlite_checkpointer.hpp"

namespace hexa::sqlite {

void fail(sqlite3* db, int rc, std::string_view what) {
  raise_error(rc, std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

void raise_error(int rc, std::string message) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      throw Unavailable(std::move(message));
    case SQLITE_CONSTRAINT:
      throw Conflict(std::move(message));
    default:
      throw Error(500, std::move(message));
  }
}

Statement::~Statement() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::bind(int index, const Value& value) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<std::monostate>(value)) rc = sqlite3_bind_null(stmt_, index);
  else if (auto i = std::get_if<std::int64_t>(&value)) rc = sqlite3_bind_int64(stmt_, index, *i);
  else if (auto d = std::get_if<double>(&value)) rc = sqlite3_bind_double(stmt_, index, *d);
  else if (auto b = std::get_if<bool>(&value)) rc = sqlite3_bind_int64(stmt_, index, *b ? 1 : 0);
  else if (auto t = std::get_if<Timestamp>(&value)) rc = sqlite3_bind_int64(stmt_, index, t->epoch_ms());
  else if (auto d = std::get_if<Decimal>(&value)) return bind(index, std::string_view(d->text()));
  else return bind(index, std::string_view(std::get<std::string>(value)));
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK)
    fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // TRANSIENT: SQLite copies, so the caller's string may die before step().
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

Value Statement::value(int column, Kind kind) const {
  if (is_null(column)) return std::monostate{};
  switch (kind) {
    case Kind::Integer: return integer(column);
    case Kind::Real: return sqlite3_column_double(stmt_, column);
    case Kind::Boolean: return integer(column) != 0;
    case Kind::Timestamp: return Timestamp(integer(column));
    case Kind::Decimal:
      if (auto d = Decimal::parse(text(column))) return *d;
      break;  // not written by us: the text as it is
    case Kind::Text: break;
  }
  return text(column);
}

namespace {

// Process-wide library settings, applied once before SQLite initializes. Memory statistics
// (on by default) take a global mutex on every allocation: off, a commit costs 5-10% less CPU
// (bench/outbox). If something initialized SQLite first, SQLite refuses this; nothing breaks.
bool configure_library_once() {
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  return configured;
}

}  // namespace

Database::Database(const std::string& path, OpenOptions options)
    : busy_timeout_(options.busy_timeout), checkpoints_(std::move(options.checkpoints)) {
  configure_library_once();
  sqlite3* raw = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (pool leases, bus mutexes).
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // owned even on failure: sqlite3_open_v2 may allocate a handle
  if (rc != SQLITE_OK) fail(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_handler(raw, &Database::on_busy, this);
  // Two processes opening a fresh file at once (replicas of one service) can both try to
  // switch it to WAL; SQLite then answers BUSY without consulting the busy handler: retry.
  const auto give_up = std::chrono::steady_clock::now() + busy_timeout_;
  for (;;) {
    try {
      exec("PRAGMA journal_mode=WAL");
      break;
    } catch (const Unavailable&) {
      if (std::chrono::steady_clock::now() >= give_up) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  exec(options.full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  // After a burst the WAL file keeps its largest size; cap what stays on disk.
  exec("PRAGMA journal_size_limit=67108864");
  if (checkpoints_) sqlite3_wal_hook(raw, &Database::on_wal_commit, this);  // replaces SQLite's own
}

// After each commit, with the WAL's size in pages. SQLite's default hook checkpoints here, in
// the committing thread, past 1000 pages; this one hands that to the Checkpointer.
int Database::on_wal_commit(void* self, sqlite3* db, const char* name, int pages) {
  constexpr int kCheckpointPages = 1000;  // SQLite's default threshold
  // A background checkpoint cannot finish while a writer keeps appending, and the WAL only
  // restarts after one that did: under a sustained burst it grows until this backstop, where
  // the committing connection checkpoints itself (most frames already copied). ~40 MB.
  constexpr int kBackstopPages = 10000;
  if (pages >= kBackstopPages) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    static_cast<Database*>(self)->checkpoints_->raise();
  }
  return SQLITE_OK;
}

bool Database::checkpoint_passive() {
  const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) return true;
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return false;
  fail(db_.get(), rc, "checkpoint");
}

// SQLite's default handler sleeps in steps of up to 100 ms, which alone would break the bus's
// latency goal under write contention; waiting in steps of tens of microseconds costs a little
// CPU while contended and wakes almost as soon as the lock is free.
int Database::on_busy(void* self, int attempt) {
  auto& db = *static_cast<Database*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (attempt == 0) db.busy_since_ = now;
  if (now - db.busy_since_ >= db.busy_timeout_) return 0;
  const auto step = std::chrono::microseconds(std::min(20 * (attempt + 1), 1000));
  std::this_thread::sleep_for(step);
  return 1;
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = sql + ": " + (error ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
    raise_error(rc, std::move(message));
  }
}

Statement Database::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) fail(db_.get(), rc, "prepare " + sql);
    it = cache_.emplace(sql, std::unique_ptr<sqlite3_stmt, FinalizeStmt>(raw)).first;
  }
  return Statement(it->second.get());
}

void Database::trim_cache(std::size_t keep) {
  if (cache_.size() > keep) cache_.clear();
}

ImmediateTransaction::~ImmediateTransaction() {
  if (!open_) return;
  try {
    db_.prepare("ROLLBACK").run();
  } catch (...) {
    // Left open only if ROLLBACK itself failed; closing the connection then rolls back.
  }
}

void ImmediateTransaction::commit() {
  db_.prepare("COMMIT").run();
  open_ = false;
}

}  // namespace hexa::sqlite
