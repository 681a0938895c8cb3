#include "hexa/store/mariadb_store.hpp"

#include <fmt/format.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "hexa/model/errors.hpp"
#include "hexa/store/mariadb_sql.hpp"
#include "hexa/store/mariadb_transaction.hpp"
#include "hexa/store/server_url.hpp"

namespace hexa {

namespace {

void check_identifier(const std::string& name, const std::string& what) {
  if (name.empty() || name.size() > 64 || name.find_first_of("/\\.") != std::string::npos)
    throw Invalid(what + " '" + name + "' must be 1 to 64 bytes without / \\ or . for MariaDB");
}

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Column names (lower case: MariaDB compares them without case) -> DATA_TYPE.
std::map<std::string, std::string> columns_of(maria::Connection& c, const std::string& table) {
  auto st = c.prepare(
      "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?");
  st.execute({table});
  std::map<std::string, std::string> out;
  for (std::vector<Value> row; st.fetch({Kind::Text, Kind::Text}, row);)
    out[lower(std::get<std::string>(row[0]))] = lower(std::get<std::string>(row[1]));
  return out;
}

std::vector<std::string> indexes_of(maria::Connection& c, const std::string& table) {
  auto st = c.prepare(
      "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS "
      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?");
  st.execute({table});
  std::vector<std::string> out;
  for (std::vector<Value> row; st.fetch({Kind::Text}, row);)
    out.push_back(lower(std::get<std::string>(row[0])));
  return out;
}

bool is_text_blob(const std::string& data_type) { return data_type.ends_with("text"); }

std::int64_t single_integer(maria::Connection& c, const std::string& sql) {
  auto st = c.prepare(sql);
  st.execute();
  std::vector<Value> row;
  if (!st.fetch({Kind::Integer}, row) || is_null(row[0])) return 0;
  return std::get<std::int64_t>(row[0]);
}

// Holds a server-wide named lock for this connection's database while it lives.
class NamedLock {
 public:
  explicit NamedLock(maria::Connection& c) : c_(c) {
    if (single_integer(c_, std::string("SELECT GET_LOCK(") + kName + ", 60)") != 1)
      throw Unavailable("another process kept the migration lock for 60 s");
  }
  ~NamedLock() {
    try {
      single_integer(c_, std::string("SELECT RELEASE_LOCK(") + kName + ")");
    } catch (...) {
      c_.mark_broken();  // closing the connection releases the lock
    }
  }
  NamedLock(const NamedLock&) = delete;
  NamedLock& operator=(const NamedLock&) = delete;

 private:
  // Lock names are server-wide and at most 64 characters: one per database.
  static constexpr const char* kName = "CONCAT('hexa-migrate-', MD5(DATABASE()))";
  maria::Connection& c_;
};

}  // namespace

MariadbOptions mariadb_options(const std::string& url) {
  auto parsed = parse_server_url(url, url.starts_with("mysql://") ? "mysql" : "mariadb");
  check_identifier(parsed.database, "the database name");
  MariadbOptions o;
  o.connect.host = parsed.host;
  o.connect.port = parsed.port.value_or(3306);
  o.connect.user = parsed.user;
  o.connect.password = parsed.password;
  o.connect.database = parsed.database;
  o.name = fmt::format("mariadb://{}{}:{}/{}", parsed.user.empty() ? "" : parsed.user + "@",
                       parsed.host, o.connect.port, parsed.database);
  o.pool_size = static_cast<std::size_t>(parsed.take_int("pool", 1, 1000).value_or(8));
  const auto lock_ms = parsed.take_int("lock_timeout_ms", 1, 3'600'000).value_or(5000);
  o.wait = std::chrono::milliseconds(lock_ms);
  o.connect.lock_timeout_s = static_cast<unsigned>((lock_ms + 999) / 1000);
  o.connect.connect_timeout_s =
      static_cast<unsigned>(parsed.take_int("connect_timeout_s", 1, 3600).value_or(5));
  if (auto socket = parsed.take("socket")) o.connect.unix_socket = *socket;
  if (!parsed.params.empty())
    throw Invalid("unknown parameter '" + parsed.params.begin()->first + "' in " + o.name);
  return o;
}

MariadbStore::MariadbStore(MariadbOptions options)
    : options_(std::move(options)),
      pool_(options_.name, options_.pool_size,
            [this] { return std::make_unique<maria::Connection>(options_.connect); }) {
  ensure_database();
  ddl([](maria::Connection& c) {
    for (const auto& sql : maria::framework_tables_sql()) c.exec(sql);
  });
}

void MariadbStore::ensure_database() {
  try {
    pool_.acquire(options_.wait);  // the first connection, kept in the pool
  } catch (const maria::ConnectFailed& e) {
    if (e.code != ER_BAD_DB_ERROR) throw;
    auto admin_options = options_.connect;
    admin_options.database.clear();
    maria::Connection admin(admin_options);
    // IF NOT EXISTS: replicas of a service may start together.
    admin.exec("CREATE DATABASE IF NOT EXISTS " + maria::sql().quote(options_.connect.database) +
               " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  }
}

void MariadbStore::ddl(const std::function<void(maria::Connection&)>& change) {
  auto lease = lease_after([](maria::Connection& c) { c.exec("DO 0"); });  // a live connection
  const NamedLock lock(*lease);  // released before the connection goes back
  change(*lease);
}

void MariadbStore::migrate(const Schema& s) {
  check_identifier(s.table, "the table name");
  for (const auto& c : s.columns) check_identifier(c.name, "the column name");
  ddl([&](maria::Connection& c) {
    c.exec(maria::create_table_sql(s));
    // Only what is missing: ALTER TABLE rebuilds or locks the table even for nothing.
    const auto columns = columns_of(c, s.table);
    const auto indexes = indexes_of(c, s.table);
    for (const auto& column : s.columns) {
      const auto existing = columns.find(lower(column.name));
      // A column's type is not changed later, as in the SQLite engine, except that text
      // becomes indexable once the schema indexes it.
      if (existing == columns.end()) c.exec(maria::add_column_sql(s, column));
      const auto index = maria::index_sql(s, column);
      if (index.empty() || std::ranges::count(indexes, lower(maria::index_name(column))) > 0)
        continue;
      if (existing != columns.end() && is_text_blob(existing->second))
        c.exec(maria::to_indexable_sql(s, column));
      c.exec(index);
    }
  });
}

std::unique_ptr<Transaction> MariadbStore::begin(Access access) {
  return std::make_unique<MariadbTransaction>(
      lease_after([access](maria::Connection& c) { MariadbTransaction::begin_on(c, access); }),
      access);
}

std::vector<OutboxEntry> MariadbStore::outbox_batch(std::size_t limit) {
  std::vector<OutboxEntry> out;
  lease_after([&](maria::Connection& c) {
    auto st = c.prepare(
        "SELECT seq, id, type, time_ms, `key`, source, topic, payload FROM _outbox "
        "ORDER BY seq LIMIT ?");
    st.execute({static_cast<std::int64_t>(limit)});
    const std::vector<Kind> kinds{Kind::Integer, Kind::Text, Kind::Text, Kind::Integer,
                                  Kind::Text,    Kind::Text, Kind::Text, Kind::Text};
    for (std::vector<Value> r; st.fetch(kinds, r);) {
      const auto text = [&](int i) { return std::get<std::string>(std::move(r[i])); };
      out.push_back({std::get<std::int64_t>(r[0]),
                     Event{text(1), text(2), std::get<std::int64_t>(r[3]), text(4), text(5),
                           text(6), text(7)}});
    }
  });
  return out;
}

void MariadbStore::outbox_remove_through(std::int64_t seq) {
  lease_after([seq](maria::Connection& c) {
    c.prepare("DELETE FROM _outbox WHERE seq <= ?").execute({seq});
  });
}

bool MariadbStore::healthy() {
  try {
    bool ok = false;
    lease_after([&](maria::Connection& c) { ok = single_integer(c, "SELECT 1") == 1; });
    return ok;
  } catch (const std::exception&) {
    return false;
  }
}

std::unique_ptr<Store> open_mariadb_store(const std::string& url) {
  return std::make_unique<MariadbStore>(mariadb_options(url));
}

}  // namespace hexa
