#pragma once
// SQL text of the PostgreSQL engine: its dialect of the shared builder and its DDL.
// Types: BIGSERIAL ids, BIGINT, DOUBLE PRECISION, TEXT, BOOLEAN.
#include <string>

#include "hexa/model/schema.hpp"
#include "hexa/store/server_sql.hpp"

namespace hexa::pg {

const server_sql::Builder& sql();  // quotes "names", numbers $1, $2

const char* column_type(Kind kind);
std::string create_table_sql(const Schema& s);
std::string add_column_sql(const Schema& s, const Column& c);
// "<table>_<column>_unique" or "_index", shortened to PostgreSQL's 63 bytes.
std::string index_name(const Schema& s, const Column& c);
std::string index_sql(const Schema& s, const Column& c);  // empty when the column needs none
// INSERT of every column returning the new id; DEFAULT VALUES for a schema without columns.
std::string insert_sql(const Schema& s);
// find/select: where-list, order, then LIMIT (null: all) and OFFSET as the last two parameters.
std::string select_sql(const Schema& s, const Query& q);
std::string count_sql(const Schema& s, const Query& q);

// _outbox (seq order = commit order, see postgres_transaction.cpp) and _handled.
const char* framework_tables_sql();
// Transaction-scoped advisory locks (per database): one for migrations, one that orders
// outbox writers.
inline constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7236813)";
inline constexpr const char* kOutboxLock = "SELECT pg_advisory_xact_lock(7236814)";

}  // namespace hexa::pg
