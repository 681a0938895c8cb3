#pragma once
// The MariaDB/MySQL engine of the store port (libmariadb, InnoDB), for "mariadb://" URLs:
//
//   mariadb://[user[:password]@]host[:port]/database?pool=8&lock_timeout_ms=5000
//             &connect_timeout_s=5&socket=/path/to/mysqld.sock
//
// pool: connections per store (default 8). lock_timeout_ms: how long a statement waits for a
// row lock (InnoDB counts whole seconds, at least 1) and a caller for a free connection,
// before hexa::Unavailable (default 5000, as SQLite's busy timeout).
//
// The database is created when missing (utf8mb4, binary collation), if the user may; replicas
// of a service share it. Writers run at READ COMMITTED and lock the rows they read (FOR
// UPDATE: a read-modify-write is atomic, as under SQLite's single writer); readers see one
// snapshot. Text columns
// that are unique or indexed are VARCHAR(255): longer values are refused (hexa::Invalid), see
// mariadb_sql.hpp.
//
// Called only from worker threads (or at start-up), never from I/O threads: libmariadb blocks.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hexa/store/mariadb_connection.hpp"
#include "hexa/store/server_pool.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

struct MariadbOptions {
  maria::ConnectOptions connect;
  std::string name;  // "mariadb://user@host:port/database" (no password), for messages
  std::size_t pool_size = 8;
  std::chrono::milliseconds wait{5000};  // for a free connection
};

// Throws hexa::Invalid for a malformed URL or an unknown parameter.
MariadbOptions mariadb_options(const std::string& url);

class MariadbStore final : public Store {
 public:
  // Connects (creating the database if missing) and creates the framework's tables.
  explicit MariadbStore(MariadbOptions options);

  void migrate(const Schema& s) override;
  // Transactions must not outlive the store.
  std::unique_ptr<Transaction> begin(Access access = Access::Write) override;
  std::vector<OutboxEntry> outbox_batch(std::size_t limit) override;
  void outbox_remove_through(std::int64_t seq) override;
  bool healthy() override;

 private:
  using Pool = ServerPool<maria::Connection>;
  // A leased connection on which `first` has run (ServerPool::lease_after).
  template <class First>
  Pool::Lease lease_after(First&& first) {
    return pool_.lease_after(options_.wait, std::forward<First>(first));
  }
  // `change` under a server-wide named lock for this database: replicas starting together
  // do not migrate at once (MariaDB's DDL is not transactional).
  void ddl(const std::function<void(maria::Connection&)>& change);
  void ensure_database();

  MariadbOptions options_;
  Pool pool_;
};

// The store of a "mariadb://" (or "mysql://") URL.
std::unique_ptr<Store> open_mariadb_store(const std::string& url);

}  // namespace hexa
