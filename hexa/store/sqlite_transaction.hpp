#pragma once
// One SQLite transaction (see sqlite_store.hpp): a read on a leased connection, or a write in
// this process's group commit. Rolls back when it dies uncommitted; a read returns its
// connection to the pool either way.
#include <optional>

#include "hexa/store/sqlite_group_commit.hpp"
#include "hexa/store/sqlite_pool.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(sqlite::Pool::Lease reader);        // Access::Read
  explicit SqliteTransaction(sqlite::GroupCommit::Writer writer);  // Access::Write
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

  std::optional<sqlite::GroupCommit::Writer> writer_;  // one of the two
  std::optional<sqlite::Pool::Lease> reader_;
  bool open_ = true;
};

}  // namespace hexa
