#pragma once
// One PostgreSQL transaction on a leased connection (see postgres_store.hpp). Rolls back when
// it dies uncommitted; returns its connection to the pool either way.
#include <vector>

#include "hexa/store/postgres_connection.hpp"
#include "hexa/store/server_pool.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

class PostgresTransaction final : public Transaction {
 public:
  using Lease = ServerPool<pg::Connection>::Lease;

  // The transaction has begun on `lease` (read-only unless `access` is Write).
  PostgresTransaction(Lease lease, Access access);
  ~PostgresTransaction() override;

  std::int64_t insert(const Schema& s, const Record& r) override;
  bool update(const Schema& s, std::int64_t id, const Record& r) override;
  bool remove(const Schema& s, std::int64_t id) override;
  std::optional<Record> find(const Schema& s, std::int64_t id) override;
  std::vector<Record> select(const Schema& s, const Query& q) override;
  std::int64_t count(const Schema& s, const Query& q) override;
  void add_to_outbox(const Event& e) override;
  bool first_delivery(const std::string& consumer, const std::string& event_id) override;
  void commit() override;

  static const char* begin_sql(Access access);

 private:
  const char* locking() const;  // " FOR UPDATE" in a write transaction
  pg::Connection& conn();      // throws once committed
  pg::Connection& writable();  // throws in a read transaction
  void write_outbox(pg::Connection& c);

  Lease lease_;
  bool writable_;
  bool open_ = true;
  std::vector<Event> outbox_;  // written just before COMMIT, see write_outbox()
};

}  // namespace hexa
