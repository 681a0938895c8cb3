#pragma once
// SQL text for the SQLite store, built from a Schema. Identifiers are always quoted (fields are
// camelCase and may collide with keywords) and only schema names ever reach the SQL text:
// values travel as bound parameters.
#include <string>
#include <string_view>
#include <vector>

#include "hexa/model/schema.hpp"
#include "hexa/store/store.hpp"

namespace hexa::sqlite {

std::string quote(std::string_view identifier);
const char* column_type(Kind kind);

// The kind of `field` ("id" or a column); throws hexa::Invalid naming it when unknown.
Kind kind_of_field(const Schema& s, const std::string& field, std::string_view use);

std::string create_table_sql(const Schema& s);
std::string add_column_sql(const Schema& s, const Column& c);
std::string index_sql(const Schema& s, const Column& c);  // empty when the column needs none

// "id" first, then the schema's columns: the column order of find/select results.
std::string select_columns_sql(const Schema& s);
std::string insert_sql(const Schema& s);  // every column, in schema order
// Only the columns `r` sets (its "id" is ignored); throws hexa::Invalid on unknown fields.
std::string update_sql(const Schema& s, const Record& r);

// "WHERE ..." for q.where (empty when none), parameters numbered from 1 in where order.
std::string where_sql(const Schema& s, const Query& q);
// The non-null where values, in the order where_sql numbered them.
std::vector<Value> where_values(const Query& q);
std::string order_sql(const Schema& s, const Query& q);  // always ends with the id

}  // namespace hexa::sqlite
