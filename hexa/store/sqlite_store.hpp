#pragma once
// The SQLite engine of the store port: one database file in WAL mode shared by the threads of
// one process (a small connection pool) and, if need be, by other processes.
//
// Durability: synchronous=NORMAL. In WAL mode a commit is a write() to the -wal file without
// fsync, so a process crash (even kill -9) loses nothing committed: the bytes are in the
// kernel's page cache and the next opener replays the WAL. Only an OS crash or power loss can
// lose the last commits (never corrupt the file); "sqlite:...?sync=full" fsyncs each commit.
//
// Checkpoints run on a background thread (sqlite_checkpointer.hpp), not inside commits.
//
// Writers: BEGIN IMMEDIATE takes SQLite's single write lock up front (no deadlock-prone lock
// upgrade). Within the process writers queue in order and share commits (group commit, see
// sqlite_group_commit.hpp): no polling, and one commit for a whole queue of writers under
// load. Across processes (replicas sharing a file) the busy timeout applies.
#include <chrono>
#include <string>

#include "hexa/store/sqlite_checkpointer.hpp"
#include "hexa/store/sqlite_pool.hpp"
#include "hexa/store/sqlite_group_commit.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

struct SqliteOptions {
  std::string path;
  std::size_t pool_size = 8;
  sqlite::OpenOptions open;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options);  // creates the file, its folder and _outbox

  void migrate(const Schema& s) override;
  // Transactions must not outlive the store.
  std::unique_ptr<Transaction> begin(Access access = Access::Write) override;
  std::vector<OutboxEntry> outbox_batch(std::size_t limit) override;
  void outbox_remove_through(std::int64_t seq) override;
  bool healthy() override;

 private:
  void create_framework_tables();

  // First: it outlives the connections that ask it for checkpoints.
  sqlite::Checkpointer checkpointer_;  // keeps checkpoint fsyncs out of commits
  sqlite::Pool pool_;
  std::chrono::milliseconds busy_timeout_;
  sqlite::GroupCommit writes_;  // every write of this process goes through it
};

}  // namespace hexa
