#include "hexa/store/server_sql.hpp"

#include <fmt/format.h>

#include <functional>
#include <stdexcept>

#include "hexa/model/errors.hpp"

namespace hexa::server_sql {

Kind kind_of_field(const Schema& s, const std::string& field, std::string_view use) {
  if (field == "id") return Kind::Integer;
  for (const auto& c : s.columns)
    if (c.name == field) return c.kind;
  throw Invalid("unknown field '" + field + "' " + std::string(use) + " of " + s.table);
}

void check_fields(const Schema& s, const Record& r, std::string_view use) {
  for (const auto& [name, value] : r)
    if (name != "id") kind_of_field(s, name, use);
}

Value coerce(const std::string& field, Kind kind, const Value& v) {
  try {
    return convert(v, kind);
  } catch (const std::exception&) {
    throw Invalid("field '" + field + "' must be " + kind_name(kind));
  }
}

std::vector<Value> column_values(const Schema& s, const Record& r) {
  std::vector<Value> out;
  for (const auto& c : s.columns) {
    const auto it = r.find(c.name);
    out.push_back(it == r.end() ? Value{} : coerce(c.name, c.kind, it->second));
  }
  return out;
}

std::vector<Value> set_values(const Schema& s, const Record& r) {
  std::vector<Value> out;
  for (const auto& c : s.columns)
    if (const auto it = r.find(c.name); it != r.end()) out.push_back(coerce(c.name, c.kind, it->second));
  return out;
}

std::vector<Value> where_values(const Schema& s, const Query& q) {
  std::vector<Value> out;
  for (const auto& [field, value] : q.where)
    if (!is_null(value)) out.push_back(coerce(field, kind_of_field(s, field, "in the query"), value));
  return out;
}

std::string short_name(const std::string& name, std::size_t max) {
  if (name.size() <= max) return name;
  const auto hash = fmt::format("_{:08x}", std::hash<std::string>{}(name) & 0xffffffffu);
  return name.substr(0, max - hash.size()) + hash;
}

std::string Builder::quote(std::string_view identifier) const {
  std::string out(1, d_.quote);
  for (char c : identifier) {
    if (c == d_.quote) out += c;  // a quote inside a quoted name is doubled
    out += c;
  }
  return out + d_.quote;
}

std::string Builder::param(int n) const {
  if (!d_.numbered_params) return "?";
  std::string out = "$";
  return out += std::to_string(n);
}

std::string Builder::select_columns(const Schema& s) const {
  std::string sql = "SELECT " + quote("id");
  for (const auto& c : s.columns) sql += ", " + quote(c.name);
  return sql + " FROM " + quote(s.table);
}

std::string Builder::insert(const Schema& s) const {
  std::string names, params;
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    const char* comma = i ? ", " : "";
    names += comma;
    names += quote(s.columns[i].name);
    params += comma;
    params += param(static_cast<int>(i) + 1);
  }
  return "INSERT INTO " + quote(s.table) + " (" + names + ") VALUES (" + params + ")";
}

std::string Builder::update(const Schema& s, const Record& r) const {
  check_fields(s, r, "to update");
  std::string sets;
  int n = 0;
  for (const auto& c : s.columns) {
    if (!r.contains(c.name)) continue;
    sets += n++ ? ", " : "";
    sets += quote(c.name) + " = " + param(n);
  }
  if (n == 0) return {};
  return "UPDATE " + quote(s.table) + " SET " + sets + " WHERE " + quote("id") + " = " + param(n + 1);
}

std::string Builder::where(const Schema& s, const Query& q, int first) const {
  std::string sql;
  int n = first;
  for (const auto& [field, value] : q.where) {
    kind_of_field(s, field, "in the query");
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += quote(field) + (is_null(value) ? " IS NULL" : " = " + param(n++));
  }
  return sql;
}

int Builder::where_params(const Query& q) const {
  int n = 0;
  for (const auto& [field, value] : q.where) n += is_null(value) ? 0 : 1;
  return n;
}

std::string Builder::order(const Schema& s, const Query& q) const {
  std::string sql = " ORDER BY ";
  bool by_id = false;
  for (const auto& sort : q.sort) {
    const bool as_number = kind_of_field(s, sort.field, "to sort by") == Kind::Decimal && d_.decimal_sort;
    sql += as_number ? fmt::format(fmt::runtime(d_.decimal_sort), quote(sort.field)) : quote(sort.field);
    sql += std::string(" ") + (sort.descending ? d_.descending : d_.ascending) + ", ";
    by_id = by_id || sort.field == "id";
  }
  if (by_id) return sql.substr(0, sql.size() - 2);  // an id sort already makes it total
  return sql + quote("id") + " ASC";
}

}  // namespace hexa::server_sql
