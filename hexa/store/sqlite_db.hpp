#pragma once
// A thin RAII layer over one SQLite connection, shared by the SQLite store and the embedded
// log bus: owned handles, prepared statements cached per connection (keyed by SQL text),
// a busy handler that waits in short steps, and SQLite errors turned into hexa errors.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "hexa/model/value.hpp"

namespace hexa::sqlite {

class CheckpointRequests;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

struct OpenOptions {
  // How long a writer waits for another connection's write lock (any process).
  std::chrono::milliseconds busy_timeout{5000};
  // FULL: fsync at every commit (survives an OS crash). NORMAL: see the store's comment.
  bool full_sync = false;
  // Set (by Checkpointer::served): past 1000 WAL pages a commit asks that checkpointer to
  // checkpoint rather than doing it (and its fsyncs) itself; see sqlite_checkpointer.hpp.
  // Unset: SQLite's default, the committing connection checkpoints.
  std::shared_ptr<CheckpointRequests> checkpoints;
};

// Throws the hexa error that matches an SQLite result code: busy, locked or I/O ->
// Unavailable, constraint -> Conflict, anything else -> Error(500).
[[noreturn]] void raise_error(int rc, std::string message);
// The same, with the connection's own message appended to `what`.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what);

// A cached prepared statement in use. Not owning: the connection's cache owns it. Resets the
// statement (and its bindings) when it dies, so no statement keeps a read snapshot open.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // 1-based, as in SQLite. Booleans bind as 0/1, null as NULL.
  Statement& bind(int index, const Value& value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  // Spelled out: a string converts to both Value and string_view, which would be ambiguous.
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }

  bool step();  // true: a row is ready; throws on error
  void run();   // steps to the end, ignoring rows

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  std::string text(int column) const;
  // The column as a value of `kind` (Boolean reads 0/1 back as bool).
  Value value(int column, Kind kind) const;

 private:
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  Database(const std::string& path, OpenOptions options);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);  // one or more statements, no results
  Statement prepare(const std::string& sql);  // cached by SQL text
  std::int64_t changes() const { return sqlite3_changes64(db_.get()); }
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }
  // Copies what it can of the WAL into the database without waiting for anyone; false when
  // another connection was checkpointing or writing (try again later).
  bool checkpoint_passive();
  // Drops cached statements beyond a bound: SQL built from varying where-lists must not
  // grow the cache forever. Call only when no Statement of this connection is alive.
  void trim_cache(std::size_t keep = 256);

 private:
  static int on_busy(void* self, int attempt);
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int pages);

  std::unique_ptr<sqlite3, CloseDb> db_;  // declared first: statements finalize before close
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, FinalizeStmt>> cache_;
  std::chrono::milliseconds busy_timeout_;
  std::chrono::steady_clock::time_point busy_since_{};
  std::shared_ptr<CheckpointRequests> checkpoints_;
};

// BEGIN IMMEDIATE on a bare connection (the store's DDL, the bus's appends); rolls back
// unless committed.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(Database& db) : db_(db) { db_.prepare("BEGIN IMMEDIATE").run(); }
  ~ImmediateTransaction();
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace hexa::sqlite
