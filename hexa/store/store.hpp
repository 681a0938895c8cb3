#pragma once
// The store port: every engine (SQLite, PostgreSQL, MariaDB) implements these few operations
// with its own SQL, so domain code and the framework above never see SQL.
// Checked by tests/unit/store_conformance, written once and run against every engine.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hexa/events/event.hpp"
#include "hexa/model/schema.hpp"
#include "hexa/model/value.hpp"

namespace hexa {

struct Sort {
  std::string field;
  bool descending = false;
};

struct Query {
  // field == value for every pair (a null value means IS NULL).
  std::vector<std::pair<std::string, Value>> where;
  std::vector<Sort> sort;  // then by id
  std::int64_t offset = 0;
  std::int64_t limit = -1;  // -1: all
};

// An outbox row: an event waiting for the relay, in commit order.
struct OutboxEntry {
  std::int64_t seq;
  Event event;
};

// One local ACID transaction. Destroying it without commit() rolls it back.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Records returned by find/select carry "id".
  virtual std::int64_t insert(const Schema& s, const Record& r) = 0;  // the new id
  virtual bool update(const Schema& s, std::int64_t id, const Record& r) = 0;  // false: no row
  virtual bool remove(const Schema& s, std::int64_t id) = 0;
  virtual std::optional<Record> find(const Schema& s, std::int64_t id) = 0;
  virtual std::vector<Record> select(const Schema& s, const Query& q) = 0;
  virtual std::int64_t count(const Schema& s, const Query& q) = 0;

  // Transactional outbox: the event commits or rolls back with this transaction's change.
  virtual void add_to_outbox(const Event& e) = 0;
  // Idempotent consumer: records that `consumer` handled `event_id` in this transaction.
  // False when it was recorded before: the caller skips the effect.
  virtual bool first_delivery(const std::string& consumer, const std::string& event_id) = 0;

  virtual void commit() = 0;
};

enum class Access { Read, Write };

class Store {
 public:
  virtual ~Store() = default;
  // Creates the table, or adds the columns it lacks. Idempotent; called at start-up.
  virtual void migrate(const Schema& s) = 0;
  // Thread-safe: each caller gets its own transaction (engines pool connections).
  virtual std::unique_ptr<Transaction> begin(Access access = Access::Write) = 0;

  // The relay's side of the outbox: oldest first, then removed once published.
  virtual std::vector<OutboxEntry> outbox_batch(std::size_t limit) = 0;
  virtual void outbox_remove_through(std::int64_t seq) = 0;

  virtual bool healthy() = 0;
};

// Opens a store from a URL: "sqlite:/path/to/file.db", "postgresql://user:pass@host:port/db",
// "mariadb://user:pass@host:port/db".
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace hexa
