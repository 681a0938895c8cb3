#include "hexa/store/sqlite_sql.hpp"

#include "hexa/model/errors.hpp"

namespace hexa::sqlite {

std::string quote(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';  // SQL escapes a quote inside a quoted name by doubling it
    out += c;
  }
  return out + '"';
}

const char* column_type(Kind kind) {
  switch (kind) {
    case Kind::Integer: return "INTEGER";
    case Kind::Real: return "REAL";
    case Kind::Boolean: return "INTEGER";  // 0/1, read back as bool from the schema's kind
    case Kind::Timestamp: return "INTEGER";  // epoch ms
    case Kind::Decimal: break;  // its digits as text: REAL or NUMERIC affinity would round them
    case Kind::Text: break;
  }
  return "TEXT";
}

Kind kind_of_field(const Schema& s, const std::string& field, std::string_view use) {
  if (field == "id") return Kind::Integer;
  for (const auto& c : s.columns)
    if (c.name == field) return c.kind;
  throw Invalid("unknown field '" + field + "' " + std::string(use) + " of " + s.table);
}

std::string create_table_sql(const Schema& s) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote(s.table) +
                    " (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT";
  for (const auto& c : s.columns) sql += ", " + quote(c.name) + " " + column_type(c.kind);
  return sql + ")";
}

std::string add_column_sql(const Schema& s, const Column& c) {
  return "ALTER TABLE " + quote(s.table) + " ADD COLUMN " + quote(c.name) + " " +
         column_type(c.kind);
}

std::string index_sql(const Schema& s, const Column& c) {
  if (!c.unique && !c.indexed) return {};
  const std::string name = s.table + "_" + c.name + (c.unique ? "_unique" : "_index");
  return std::string(c.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
         quote(name) + " ON " + quote(s.table) + " (" + quote(c.name) + ")";
}

std::string select_columns_sql(const Schema& s) {
  std::string sql = "SELECT \"id\"";
  for (const auto& c : s.columns) sql += ", " + quote(c.name);
  return sql + " FROM " + quote(s.table);
}

std::string insert_sql(const Schema& s) {
  if (s.columns.empty()) return "INSERT INTO " + quote(s.table) + " DEFAULT VALUES";
  std::string names, marks;
  for (const auto& c : s.columns) {
    names += (names.empty() ? "" : ", ") + quote(c.name);
    marks += marks.empty() ? "?" : ", ?";
  }
  return "INSERT INTO " + quote(s.table) + " (" + names + ") VALUES (" + marks + ")";
}

std::string update_sql(const Schema& s, const Record& r) {
  for (const auto& [name, value] : r)
    if (name != "id") kind_of_field(s, name, "to update");
  std::string sets;
  for (const auto& c : s.columns)
    if (r.contains(c.name)) sets += (sets.empty() ? "" : ", ") + quote(c.name) + " = ?";
  if (sets.empty()) return {};
  return "UPDATE " + quote(s.table) + " SET " + sets + " WHERE \"id\" = ?";
}

std::string where_sql(const Schema& s, const Query& q) {
  std::string sql;
  for (const auto& [field, value] : q.where) {
    kind_of_field(s, field, "in the query");
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += quote(field) + (is_null(value) ? " IS NULL" : " = ?");
  }
  return sql;
}

std::vector<Value> where_values(const Query& q) {
  std::vector<Value> out;
  for (const auto& [field, value] : q.where)
    if (!is_null(value)) out.push_back(value);
  return out;
}

std::string order_sql(const Schema& s, const Query& q) {
  std::string sql = " ORDER BY ";
  bool by_id = false;
  for (const auto& sort : q.sort) {
    // Decimals are text (their digits kept), sorted as numbers: near enough past 15 digits.
    const bool decimal = kind_of_field(s, sort.field, "to sort by") == Kind::Decimal;
    sql += decimal ? "CAST(" + quote(sort.field) + " AS REAL)" : quote(sort.field);
    sql += sort.descending ? " DESC, " : " ASC, ";
    by_id = by_id || sort.field == "id";
  }
  if (by_id) return sql.substr(0, sql.size() - 2);  // an id sort already makes it total
  return sql + "\"id\" ASC";
}

}  // namespace hexa::sqlite
