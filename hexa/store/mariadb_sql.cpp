#include "hexa/store/mariadb_sql.hpp"

namespace hexa::maria {

namespace {

constexpr const char* kTableOptions =
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

}  // namespace

const server_sql::Builder& sql() {
  // Nulls first, as SQLite; decimals are text here (DECIMAL would fix their scale), sorted as numbers.
  static const server_sql::Builder builder({'`', false, "ASC", "DESC", "CAST({} AS DECIMAL(65,30))"});
  return builder;
}

std::string column_type(const Column& c) {
  switch (c.kind) {
    case Kind::Integer: return "BIGINT";
    case Kind::Real: return "DOUBLE";
    case Kind::Boolean: return "TINYINT(1)";
    case Kind::Timestamp: return "BIGINT";  // epoch ms
    case Kind::Decimal: break;  // its digits as text: DECIMAL(m, d) would fix the scale
    case Kind::Text: break;
  }
  if (c.unique || c.indexed) return "VARCHAR(" + std::to_string(kIndexedTextLength) + ")";
  return "MEDIUMTEXT";
}

std::string create_table_sql(const Schema& s) {
  std::string text = "CREATE TABLE IF NOT EXISTS " + sql().quote(s.table) +
                     " (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
  for (const auto& c : s.columns) text += ", " + sql().quote(c.name) + " " + column_type(c);
  return text + ")" + kTableOptions;
}

std::string add_column_sql(const Schema& s, const Column& c) {
  return "ALTER TABLE " + sql().quote(s.table) + " ADD COLUMN IF NOT EXISTS " +
         sql().quote(c.name) + " " + column_type(c);
}

std::string to_indexable_sql(const Schema& s, const Column& c) {
  return "ALTER TABLE " + sql().quote(s.table) + " MODIFY COLUMN " + sql().quote(c.name) + " " +
         column_type(c);
}

std::string index_name(const Column& c) {
  return server_sql::short_name(c.name + (c.unique ? "_unique" : "_index"), 64);
}

std::string index_sql(const Schema& s, const Column& c) {
  if (!c.unique && !c.indexed) return {};
  return std::string(c.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
         sql().quote(index_name(c)) + " ON " + sql().quote(s.table) + " (" +
         sql().quote(c.name) + ")";
}

std::string insert_sql(const Schema& s) {
  if (s.columns.empty()) return "INSERT INTO " + sql().quote(s.table) + " () VALUES ()";
  return sql().insert(s);
}

std::string select_sql(const Schema& s, const Query& q) {
  return sql().select_columns(s) + sql().where(s, q) + sql().order(s, q) + " LIMIT ? OFFSET ?";
}

std::string count_sql(const Schema& s, const Query& q) {
  return "SELECT COUNT(*) FROM " + sql().quote(s.table) + sql().where(s, q);
}

std::vector<std::string> framework_tables_sql() {
  return {
      std::string("CREATE TABLE IF NOT EXISTS _outbox (seq BIGINT NOT NULL AUTO_INCREMENT"
                  " PRIMARY KEY, id MEDIUMTEXT NOT NULL, type MEDIUMTEXT NOT NULL,"
                  " time_ms BIGINT NOT NULL, `key` MEDIUMTEXT NOT NULL, source MEDIUMTEXT NOT NULL,"
                  " topic MEDIUMTEXT NOT NULL, payload MEDIUMTEXT NOT NULL)") + kTableOptions,
      std::string("CREATE TABLE IF NOT EXISTS _handled (consumer VARCHAR(255) NOT NULL,"
                  " event_id VARCHAR(255) NOT NULL, PRIMARY KEY (consumer, event_id))") +
          kTableOptions,
      "CREATE TABLE IF NOT EXISTS _outbox_lock (id TINYINT NOT NULL PRIMARY KEY) ENGINE=InnoDB",
      "INSERT IGNORE INTO _outbox_lock (id) VALUES (1)",
  };
}

}  // namespace hexa::maria
