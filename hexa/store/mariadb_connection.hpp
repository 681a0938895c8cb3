#pragma once
// A thin RAII layer over one MariaDB connection (libmariadb): owned handles, server-side
// prepared statements cached per connection (keyed by SQL text), typed parameters and
// results read by the schema's kinds, and MariaDB error numbers turned into hexa errors.
#include <mysql.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hexa/model/errors.hpp"
#include "hexa/model/value.hpp"

namespace hexa::maria {

struct CloseConnection {
  void operator()(MYSQL* m) const noexcept { mysql_close(m); }
};
struct CloseStatement {
  void operator()(MYSQL_STMT* s) const noexcept { mysql_stmt_close(s); }
};

struct ConnectOptions {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string unix_socket;  // used instead of host and port when set
  std::string user;
  std::string password;
  std::string database;  // empty: none (to create it)
  unsigned connect_timeout_s = 5;
  unsigned lock_timeout_s = 5;  // innodb_lock_wait_timeout
};

// Throws the hexa error of a MariaDB error number: duplicate key and other constraints ->
// Conflict, bad data -> Invalid, lost connections, deadlocks, lock timeouts -> Unavailable,
// anything else -> Error(500).
[[noreturn]] void raise_error(unsigned code, std::string message);

// Connecting failed; `code` tells why (1049: the database does not exist).
struct ConnectFailed : Unavailable {
  ConnectFailed(unsigned code, std::string message) : Unavailable(std::move(message)), code(code) {}
  unsigned code;
};

class Connection;

// A cached prepared statement in use. Not owning: the connection's cache owns it. Frees its
// buffered rows when it dies, so the statement can run again.
class Statement {
 public:
  Statement(Connection& c, MYSQL_STMT* s) : c_(&c), s_(s) {}
  ~Statement();
  Statement(Statement&& other) noexcept : c_(other.c_), s_(std::exchange(other.s_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Runs with `params` (the ?s in order); rows, if any, are buffered on the client.
  Statement& execute(const std::vector<Value>& params = {});
  // The next row as values of `kinds`, one per column; false after the last row.
  bool fetch(const std::vector<Kind>& kinds, std::vector<Value>& row);
  std::int64_t affected() const { return static_cast<std::int64_t>(mysql_stmt_affected_rows(s_)); }
  std::int64_t insert_id() const { return static_cast<std::int64_t>(mysql_stmt_insert_id(s_)); }

 private:
  [[noreturn]] void fail(std::string_view what);

  Connection* c_;
  MYSQL_STMT* s_;
};

class Connection {
 public:
  // Throws ConnectFailed when the server cannot be reached or refuses.
  explicit Connection(const ConnectOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);  // one statement without parameters; rows are discarded
  Statement prepare(const std::string& sql);  // cached by SQL text

  bool broken() const { return broken_; }
  void mark_broken() { broken_ = true; }
  bool in_transaction() const;
  // For ServerPool: reusable when connected and outside any transaction.
  bool recycle() noexcept;

 private:
  [[noreturn]] void fail(std::string_view what);

  std::unique_ptr<MYSQL, CloseConnection> m_;  // first: statements close before the connection
  std::unordered_map<std::string, std::unique_ptr<MYSQL_STMT, CloseStatement>> statements_;
  bool broken_ = false;
};

}  // namespace hexa::maria
