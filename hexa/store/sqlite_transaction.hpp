#pragma once
// One SQLite transaction on a leased connection (see sqlite_store.hpp). Rolls back when it dies
// uncommitted; returns its connection to the pool either way.
#include "hexa/store/sqlite_pool.hpp"
#include "hexa/store/sqlite_write_slot.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

class SqliteTransaction final : public Transaction {
 public:
  // `write_lock` is held (and BEGIN IMMEDIATE used) for Access::Write, empty for Read.
  SqliteTransaction(sqlite::Pool::Lease lease, sqlite::WriteSlot::Held write_lock);
  ~SqliteTransaction() override;

  std::int64_t insert(const Schema& s, const Record& r) override;
  bool update(const Schema& s, std::int64_t id, const Record& r) override;
  bool remove(const Schema& s, std::int64_t id) override;
  std::optional<Record> find(const Schema& s, std::int64_t id) override;
  std::vector<Record> select(const Schema& s, const Query& q) override;
  std::int64_t count(const Schema& s, const Query& q) override;
  void add_to_outbox(const Event& e) override;
  bool first_delivery(const std::string& consumer, const std::string& event_id) override;
  void commit() override;

 private:
  sqlite::Database& db();          // throws once committed
  sqlite::Database& writable_db(); // throws in a read transaction

  // Destroyed in reverse order: the connection goes back before the write lock is released.
  sqlite::WriteSlot::Held write_lock_;
  sqlite::Pool::Lease lease_;
  bool open_ = true;
};

}  // namespace hexa
