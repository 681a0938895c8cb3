#pragma once
// A thin RAII layer over one libpq connection: owned handles, prepared statements cached per
// connection (keyed by SQL text), text-format parameters and results read back by the
// schema's kinds, and PostgreSQL errors (SQLSTATE) turned into hexa errors.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hexa/model/value.hpp"

namespace hexa::pg {

struct FinishConnection {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ClearResult {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};

// libpq connection keywords (host, port, dbname, user, password, options, ...).
using Keywords = std::vector<std::pair<std::string, std::string>>;

// Throws the hexa error of a SQLSTATE: integrity (23) -> Conflict, data (22) -> Invalid,
// connection (08), resources (53), operator (57), rollbacks such as deadlocks (40) and lock
// timeouts (55P03) -> Unavailable, anything else -> Error(500).
[[noreturn]] void raise_error(std::string_view sqlstate, std::string message);

// The rows of one statement; values are in text format.
class Result {
 public:
  explicit Result(std::unique_ptr<PGresult, ClearResult> r) : r_(std::move(r)) {}
  int rows() const { return PQntuples(r_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(r_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  // The field as a value of `kind` (null stays null).
  Value value(int row, int column, Kind kind) const;
  std::int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE

 private:
  std::unique_ptr<PGresult, ClearResult> r_;
};

class Connection {
 public:
  // Throws hexa::Unavailable with libpq's reason when the server cannot be reached.
  explicit Connection(const Keywords& keywords);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);  // one statement without parameters or rows
  // Prepares `sql` once per connection, then runs it with `params` ($1 = params[0]).
  Result run(const std::string& sql, const std::vector<Value>& params = {});

  bool broken() const { return PQstatus(conn_.get()) != CONNECTION_OK; }
  PGTransactionStatusType transaction_status() const { return PQtransactionStatus(conn_.get()); }
  // For ServerPool: reusable when connected and outside any transaction.
  bool recycle() noexcept;

 private:
  const std::string& prepared(const std::string& sql, int params);
  [[noreturn]] void fail(const PGresult* r, std::string_view what) const;

  std::unique_ptr<PGconn, FinishConnection> conn_;
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> statement name
  std::uint64_t next_statement_ = 0;
};

}  // namespace hexa::pg
