#include "hexa/store/postgres_sql.hpp"

namespace hexa::pg {

const server_sql::Builder& sql() {
  static const server_sql::Builder builder({'"', true, "ASC NULLS FIRST", "DESC NULLS LAST"});
  return builder;
}

const char* column_type(Kind kind) {
  switch (kind) {
    case Kind::Integer: return "BIGINT";
    case Kind::Real: return "DOUBLE PRECISION";
    case Kind::Boolean: return "BOOLEAN";
    case Kind::Timestamp: return "BIGINT";  // epoch ms
    case Kind::Decimal: return "NUMERIC";   // exact, and it keeps the scale given: 1000.50
    case Kind::Text: break;
  }
  return "TEXT";
}

std::string create_table_sql(const Schema& s) {
  std::string text = "CREATE TABLE IF NOT EXISTS " + sql().quote(s.table) + " (" +
                     sql().quote("id") + " BIGSERIAL PRIMARY KEY";
  for (const auto& c : s.columns) text += ", " + sql().quote(c.name) + " " + column_type(c.kind);
  return text + ")";
}

std::string add_column_sql(const Schema& s, const Column& c) {
  return "ALTER TABLE " + sql().quote(s.table) + " ADD COLUMN IF NOT EXISTS " +
         sql().quote(c.name) + " " + column_type(c.kind);
}

std::string index_name(const Schema& s, const Column& c) {
  return server_sql::short_name(s.table + "_" + c.name + (c.unique ? "_unique" : "_index"), 63);
}

std::string index_sql(const Schema& s, const Column& c) {
  if (!c.unique && !c.indexed) return {};
  return std::string(c.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
         sql().quote(index_name(s, c)) + " ON " + sql().quote(s.table) + " (" +
         sql().quote(c.name) + ")";
}

std::string insert_sql(const Schema& s) {
  const std::string returning = " RETURNING " + sql().quote("id");
  if (s.columns.empty()) return "INSERT INTO " + sql().quote(s.table) + " DEFAULT VALUES" + returning;
  return sql().insert(s) + returning;
}

std::string select_sql(const Schema& s, const Query& q) {
  const int n = sql().where_params(q);
  return sql().select_columns(s) + sql().where(s, q) + sql().order(s, q) + " LIMIT " +
         sql().param(n + 1) + " OFFSET " + sql().param(n + 2);
}

std::string count_sql(const Schema& s, const Query& q) {
  return "SELECT COUNT(*) FROM " + sql().quote(s.table) + sql().where(s, q);
}

const char* framework_tables_sql() {
  return "CREATE TABLE IF NOT EXISTS _outbox (seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL,"
         " type TEXT NOT NULL, time_ms BIGINT NOT NULL, key TEXT NOT NULL, source TEXT NOT NULL,"
         " topic TEXT NOT NULL, payload TEXT NOT NULL);"
         "CREATE TABLE IF NOT EXISTS _handled (consumer TEXT NOT NULL, event_id TEXT NOT NULL,"
         " PRIMARY KEY (consumer, event_id))";
}

}  // namespace hexa::pg
