#pragma once
// SQL text shared by the server engines (PostgreSQL, MariaDB), built from a Schema. They differ
// only in how they quote names and number parameters (the Dialect); their DDL lives in
// postgres_sql / mariadb_sql. As in the SQLite engine, only schema names reach the SQL text,
// always quoted (fields are camelCase and may be keywords); values travel as parameters.
#include <string>
#include <string_view>
#include <vector>

#include "hexa/model/schema.hpp"
#include "hexa/store/store.hpp"

namespace hexa::server_sql {

struct Dialect {
  char quote;            // '"' (PostgreSQL) or '`' (MariaDB)
  bool numbered_params;  // "$1, $2" (PostgreSQL) or "?, ?" (MariaDB)
  // Both put nulls first when ascending, as SQLite does.
  const char* ascending;
  const char* descending;
  // What a decimal column is sorted by when its text is not a number to the server
  // ("CAST({} AS DECIMAL(65,30))"; {} is the column), or nullptr when the column sorts as one.
  const char* decimal_sort = nullptr;
};

// The kind of `field` ("id" or a column); throws hexa::Invalid naming it when unknown, as the
// SQLite engine does. `use` says what for: "to sort by", "in the query".
Kind kind_of_field(const Schema& s, const std::string& field, std::string_view use);
// Every field of `r` but "id" must be a column.
void check_fields(const Schema& s, const Record& r, std::string_view use);
// `v` as a value of the column's kind (so the server never guesses a type); null stays null.
// Throws hexa::Invalid naming the field when it cannot be one.
Value coerce(const std::string& field, Kind kind, const Value& v);

// The value of each column of `s` in `r` (null when absent), coerced, in schema order.
std::vector<Value> column_values(const Schema& s, const Record& r);
// The values `r` sets, in schema order (the order of update()'s SET list).
std::vector<Value> set_values(const Schema& s, const Record& r);
// The non-null where values, coerced, in the order where() numbered them.
std::vector<Value> where_values(const Schema& s, const Query& q);

// `name` cut to `max` bytes with a hash of the whole name appended when it is longer
// (identifier limits: 63 bytes in PostgreSQL, 64 in MariaDB).
std::string short_name(const std::string& name, std::size_t max);

class Builder {
 public:
  explicit Builder(Dialect d) : d_(d) {}

  std::string quote(std::string_view identifier) const;
  std::string param(int n) const;  // 1-based
  // "SELECT id, <columns> FROM t": the column order of find/select results.
  std::string select_columns(const Schema& s) const;
  // "INSERT INTO t (<columns>) VALUES (...)", every column in schema order.
  std::string insert(const Schema& s) const;
  // The columns `r` sets, then "WHERE id = <last param>"; empty when it sets none.
  std::string update(const Schema& s, const Record& r) const;
  // " WHERE ..." for q.where (empty when none); parameters numbered from `first`.
  std::string where(const Schema& s, const Query& q, int first = 1) const;
  int where_params(const Query& q) const;  // how many parameters where() used
  std::string order(const Schema& s, const Query& q) const;  // always ends with the id

 private:
  Dialect d_;
};

}  // namespace hexa::server_sql
