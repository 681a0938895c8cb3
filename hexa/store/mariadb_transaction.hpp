#pragma once
// One MariaDB (InnoDB) transaction on a leased connection (see mariadb_store.hpp). Rolls back
// when it dies uncommitted; returns its connection to the pool either way.
//
// After a failed statement the transaction can only be rolled back, as in PostgreSQL: InnoDB
// itself rolls back a whole transaction on a deadlock but only the statement on other errors,
// and the caller should not have to know which.
#include <vector>

#include "hexa/store/mariadb_connection.hpp"
#include "hexa/store/server_pool.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

class MariadbTransaction final : public Transaction {
 public:
  using Lease = ServerPool<maria::Connection>::Lease;

  // The transaction has begun on `lease` (read-only unless `access` is Write).
  MariadbTransaction(Lease lease, Access access);
  ~MariadbTransaction() override;

  std::int64_t insert(const Schema& s, const Record& r) override;
  bool update(const Schema& s, std::int64_t id, const Record& r) override;
  bool remove(const Schema& s, std::int64_t id) override;
  std::optional<Record> find(const Schema& s, std::int64_t id) override;
  std::vector<Record> select(const Schema& s, const Query& q) override;
  std::int64_t count(const Schema& s, const Query& q) override;
  void add_to_outbox(const Event& e) override;
  bool first_delivery(const std::string& consumer, const std::string& event_id) override;
  void commit() override;

  // Begins a transaction of `access` on `c`.
  static void begin_on(maria::Connection& c, Access access);

 private:
  const char* locking() const;    // " FOR UPDATE" in a write transaction
  maria::Connection& conn();      // throws once committed or failed
  maria::Connection& writable();  // throws in a read transaction
  // Runs `sql` with `params`; a failure marks the transaction failed.
  maria::Statement run(maria::Connection& c, const std::string& sql,
                       const std::vector<Value>& params);
  std::vector<Record> rows(const Schema& s, const std::string& sql, const std::vector<Value>& params);
  void write_outbox(maria::Connection& c);

  Lease lease_;
  bool writable_;
  bool open_ = true;
  bool failed_ = false;
  std::vector<Event> outbox_;  // written just before COMMIT, see write_outbox()
};

}  // namespace hexa
