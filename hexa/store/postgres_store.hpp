#pragma once
// The PostgreSQL engine of the store port (libpq), for "postgresql://" URLs:
//
//   postgresql://[user[:password]@]host[:port]/database?pool=8&lock_timeout_ms=5000&<libpq>
//
// pool: connections per store (default 8). lock_timeout_ms: how long a statement waits for a
// row lock, and a caller for a free connection, before hexa::Unavailable (default 5000, as
// SQLite's busy timeout; 0: no lock timeout, and 5 s for a connection). Other parameters go
// to libpq as they are (sslmode, connect_timeout (default 5 s), ...).
//
// The database is created when missing (UTF8, collation "C": text sorts and compares by code
// point, as in SQLite), if the user may; replicas of a service share it. Tables are created or
// given their missing columns and indexes by migrate(), under an advisory lock, so replicas
// starting together do not race.
//
// Writers run at READ COMMITTED and lock the rows they read (FOR UPDATE), so a read-modify-
// write is atomic as under SQLite's single writer; readers see one snapshot. After a failed
// statement a transaction can only roll back.
//
// Called only from worker threads (or at start-up), never from I/O threads: libpq blocks.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hexa/store/postgres_connection.hpp"
#include "hexa/store/server_pool.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

struct PostgresOptions {
  pg::Keywords keywords;  // to connect to the database
  std::string database;
  std::string name;  // "postgresql://user@host:port/database" (no password), for messages
  std::size_t pool_size = 8;
  std::chrono::milliseconds wait{5000};  // for a free connection
};

// Throws hexa::Invalid for a malformed URL.
PostgresOptions postgres_options(const std::string& url);

class PostgresStore final : public Store {
 public:
  // Connects (creating the database if missing) and creates _outbox and _handled.
  explicit PostgresStore(PostgresOptions options);

  void migrate(const Schema& s) override;
  // Transactions must not outlive the store.
  std::unique_ptr<Transaction> begin(Access access = Access::Write) override;
  std::vector<OutboxEntry> outbox_batch(std::size_t limit) override;
  void outbox_remove_through(std::int64_t seq) override;
  bool healthy() override;

 private:
  using Pool = ServerPool<pg::Connection>;
  // A leased connection on which `first` has run (ServerPool::lease_after).
  template <class First>
  Pool::Lease lease_after(First&& first) {
    return pool_.lease_after(options_.wait, std::forward<First>(first));
  }
  // `change` in one transaction under the migration lock.
  void ddl(const std::function<void(pg::Connection&)>& change);
  void ensure_database();

  PostgresOptions options_;
  Pool pool_;
};

// The store of a "postgresql://" (or "postgres://") URL.
std::unique_ptr<Store> open_postgres_store(const std::string& url);

}  // namespace hexa
