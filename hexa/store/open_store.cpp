// The store factory: picks the engine from the URL's scheme.
#include "hexa/model/errors.hpp"
#include "hexa/store/mariadb_store.hpp"
#include "hexa/store/postgres_store.hpp"
#include "hexa/store/sqlite_store.hpp"
#include "hexa/store/url.hpp"

namespace hexa {

namespace {

// "sqlite:/path/file.db?pool=8&busy_timeout_ms=5000&sync=normal|full"
std::unique_ptr<Store> open_sqlite(const std::string& url) {
  const auto parsed = parse_resource_url(url, "sqlite");
  SqliteOptions options;
  options.path = parsed.path;
  if (auto pool = parsed.int_param("pool")) {
    if (*pool < 1) throw Invalid("pool must be at least 1 in " + url);
    options.pool_size = static_cast<std::size_t>(*pool);
  }
  if (auto ms = parsed.int_param("busy_timeout_ms"))
    options.open.busy_timeout = std::chrono::milliseconds(*ms);
  if (auto sync = parsed.param("sync")) {
    if (*sync != "normal" && *sync != "full") throw Invalid("sync must be normal or full in " + url);
    options.open.full_sync = *sync == "full";
  }
  return std::make_unique<SqliteStore>(std::move(options));
}

}  // namespace

std::unique_ptr<Store> open_store(const std::string& url) {
  if (url.starts_with("sqlite:")) return open_sqlite(url);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return open_postgres_store(url);
  if (url.starts_with("mariadb://") || url.starts_with("mysql://")) return open_mariadb_store(url);
  throw Invalid("unsupported store URL '" + url +
                "' (supported: sqlite:/path/file.db, postgresql://host/db, mariadb://host/db)");
}

}  // namespace hexa
