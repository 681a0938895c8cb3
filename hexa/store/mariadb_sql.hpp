#pragma once
// SQL text of the MariaDB engine: its dialect of the shared builder and its DDL.
// Types: BIGINT AUTO_INCREMENT ids, BIGINT, DOUBLE, TINYINT(1) booleans, and text as
// MEDIUMTEXT (up to 16 MB), or VARCHAR(255) when the column is unique or indexed: InnoDB can
// index a TEXT column only by a prefix, and a unique prefix would refuse values that merely
// start alike. Tables are utf8mb4 (all of Unicode, Korean and emoji included) with the binary
// collation: text compares and sorts by code point, as in SQLite.
#include <string>
#include <vector>

#include "hexa/model/schema.hpp"
#include "hexa/store/server_sql.hpp"

namespace hexa::maria {

const server_sql::Builder& sql();  // quotes `names`, parameters are ?

inline constexpr std::size_t kIndexedTextLength = 255;  // characters

std::string column_type(const Column& c);
std::string create_table_sql(const Schema& s);
std::string add_column_sql(const Schema& s, const Column& c);
// An indexed text column created as MEDIUMTEXT before it was indexed becomes VARCHAR(255).
std::string to_indexable_sql(const Schema& s, const Column& c);
// "<column>_unique" or "_index" (index names are per table), within MariaDB's 64 characters.
std::string index_name(const Column& c);
std::string index_sql(const Schema& s, const Column& c);  // empty when the column needs none
std::string insert_sql(const Schema& s);
// find/select: where-list, order, then LIMIT and OFFSET as the last two parameters.
std::string select_sql(const Schema& s, const Query& q);
std::string count_sql(const Schema& s, const Query& q);

// _outbox, _handled and _outbox_lock (one row, locked by outbox writers until they commit).
std::vector<std::string> framework_tables_sql();

}  // namespace hexa::maria
