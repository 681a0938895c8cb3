#include "hexa/store/postgres_store.hpp"

#include <fmt/format.h>

#include <set>

#include "hexa/model/errors.hpp"
#include "hexa/store/postgres_sql.hpp"
#include "hexa/store/postgres_transaction.hpp"
#include "hexa/store/server_url.hpp"

namespace hexa {

namespace {

constexpr std::size_t kMaxIdentifier = 63;  // PostgreSQL silently truncates longer names

void check_identifier(const std::string& name, const std::string& what) {
  if (name.empty() || name.size() > kMaxIdentifier)
    throw Invalid(what + " '" + name + "' must be 1 to 63 bytes long for PostgreSQL");
}

std::set<std::string> names(pg::Connection& c, const std::string& sql, const std::string& table) {
  std::set<std::string> out;
  const auto r = c.run(sql, {table});
  for (int row = 0; row < r.rows(); ++row) out.emplace(r.text(row, 0));
  return out;
}

pg::Keywords with_database(pg::Keywords keywords, const std::string& database) {
  for (auto& [k, v] : keywords)
    if (k == "dbname") v = database;
  return keywords;
}

// Creates `o.database` unless it exists (made by a replica starting alongside, or there all
// along and connecting failed for another reason).
void create_missing_database(const PostgresOptions& o) {
  pg::Connection admin(with_database(o.keywords, "postgres"));
  const auto exists = [&] {
    return admin.run("SELECT 1 FROM pg_database WHERE datname = $1", {o.database}).rows() > 0;
  };
  if (exists()) return;
  try {
    // template0: the only template whose encoding and collation may differ from the server's.
    admin.exec("CREATE DATABASE " + pg::sql().quote(o.database) +
               " ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  } catch (const Error&) {
    if (!exists()) throw;  // not a replica's concurrent CREATE: a real failure
  }
}

}  // namespace

PostgresOptions postgres_options(const std::string& url) {
  auto parsed = parse_server_url(url, url.starts_with("postgres://") ? "postgres" : "postgresql");
  check_identifier(parsed.database, "the database name");
  PostgresOptions o;
  o.database = parsed.database;
  o.name = fmt::format("postgresql://{}{}{}/{}", parsed.user.empty() ? "" : parsed.user + "@",
                       parsed.host, parsed.port ? fmt::format(":{}", *parsed.port) : "",
                       parsed.database);
  o.pool_size = static_cast<std::size_t>(parsed.take_int("pool", 1, 1000).value_or(8));
  const auto lock_ms = parsed.take_int("lock_timeout_ms", 0, 3'600'000).value_or(5000);
  o.wait = std::chrono::milliseconds(lock_ms > 0 ? lock_ms : 5000);
  auto options = "-c lock_timeout=" + std::to_string(lock_ms);
  if (auto more = parsed.take("options")) options += " " + *more;
  o.keywords = {{"host", parsed.host}, {"dbname", parsed.database}, {"options", options},
                {"client_encoding", "UTF8"}, {"application_name", "hexa"}};
  if (parsed.port) o.keywords.emplace_back("port", std::to_string(*parsed.port));
  if (!parsed.user.empty()) o.keywords.emplace_back("user", parsed.user);
  if (!parsed.password.empty()) o.keywords.emplace_back("password", parsed.password);
  if (!parsed.params.contains("connect_timeout")) o.keywords.emplace_back("connect_timeout", "5");
  for (const auto& [k, v] : parsed.params) o.keywords.emplace_back(k, v);
  return o;
}

PostgresStore::PostgresStore(PostgresOptions options)
    : options_(std::move(options)),
      pool_(options_.name, options_.pool_size,
            [this] { return std::make_unique<pg::Connection>(options_.keywords); }) {
  ensure_database();
  ddl([](pg::Connection& c) { c.exec(pg::framework_tables_sql()); });
}

void PostgresStore::ensure_database() {
  try {
    pool_.acquire(options_.wait);  // the first connection, kept in the pool
    return;
  } catch (const Unavailable& first) {
    try {
      create_missing_database(options_);
    } catch (const std::exception& e) {
      throw Unavailable(std::string(first.what()) + " (creating it failed too: " + e.what() + ")");
    }
  }
  // The database is there now (a replica may have created it since we failed to connect):
  // connect again, and this answer stands.
  pool_.acquire(options_.wait);
}

void PostgresStore::ddl(const std::function<void(pg::Connection&)>& change) {
  auto lease = lease_after([](pg::Connection& c) { c.exec("BEGIN"); });
  try {
    // DDL is transactional in PostgreSQL: replicas migrating at start-up see all or nothing,
    // and the lock keeps their CREATE TABLE IF NOT EXISTS from colliding.
    lease->exec(pg::kMigrationLock);
    change(*lease);
    lease->exec("COMMIT");
  } catch (...) {
    try {
      lease->exec("ROLLBACK");
    } catch (...) {
      // The pool closes a connection left inside a transaction.
    }
    throw;
  }
}

void PostgresStore::migrate(const Schema& s) {
  check_identifier(s.table, "the table name");
  for (const auto& c : s.columns) check_identifier(c.name, "the column name");
  ddl([&](pg::Connection& c) {
    c.exec(pg::create_table_sql(s));
    // Only what is missing: ALTER TABLE and CREATE INDEX lock the table even when they end
    // up doing nothing, and other replicas may be serving from it.
    const auto columns = names(c,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1", s.table);
    const auto indexes = names(c,
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1",
        s.table);
    for (const auto& column : s.columns) {
      // A column's type is not changed later, as in the SQLite engine.
      if (!columns.contains(column.name)) c.exec(pg::add_column_sql(s, column));
      const auto index = pg::index_sql(s, column);
      if (!index.empty() && !indexes.contains(pg::index_name(s, column))) c.exec(index);
    }
  });
}

std::unique_ptr<Transaction> PostgresStore::begin(Access access) {
  const auto* sql = PostgresTransaction::begin_sql(access);
  return std::make_unique<PostgresTransaction>(
      lease_after([sql](pg::Connection& c) { c.exec(sql); }), access);
}

std::vector<OutboxEntry> PostgresStore::outbox_batch(std::size_t limit) {
  std::vector<OutboxEntry> out;
  lease_after([&](pg::Connection& c) {
    const auto r = c.run(
        "SELECT seq, id, type, time_ms, key, source, topic, payload FROM _outbox "
        "ORDER BY seq LIMIT $1",
        {static_cast<std::int64_t>(limit)});
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.integer(i, 0),
                     Event{std::string(r.text(i, 1)), std::string(r.text(i, 2)), r.integer(i, 3),
                           std::string(r.text(i, 4)), std::string(r.text(i, 5)),
                           std::string(r.text(i, 6)), std::string(r.text(i, 7))}});
    }
  });
  return out;
}

void PostgresStore::outbox_remove_through(std::int64_t seq) {
  lease_after([seq](pg::Connection& c) { c.run("DELETE FROM _outbox WHERE seq <= $1", {seq}); });
}

bool PostgresStore::healthy() {
  try {
    bool ok = false;
    lease_after([&](pg::Connection& c) { ok = c.run("SELECT 1").integer(0, 0) == 1; });
    return ok;
  } catch (const std::exception&) {
    return false;
  }
}

std::unique_ptr<Store> open_postgres_store(const std::string& url) {
  return std::make_unique<PostgresStore>(postgres_options(url));
}

}  // namespace hexa
