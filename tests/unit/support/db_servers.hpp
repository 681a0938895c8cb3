#pragma once
// Throw-away PostgreSQL and MariaDB servers for tests. A test program starts its own, on the
// first test that asks, on free loopback ports with their data in a temporary folder, and
// stops them by PID when its tests are over (or when it dies: the kernel's death signal).
// Nothing is skipped: a server that cannot start fails the test that needed it, saying why.
// Needs Debian's postgresql and mariadb-server; when they are missing, scripts/bootstrap
// (which `make test` runs anyway) is run once to install them.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <stdlib.h>

#include <fmt/format.h>

#include <cctype>
#include <memory>

#include "server_process.hpp"

namespace hexa::testing {

// A database name for a test id: lower-case letters, digits and '_', at most 49 characters
// (PostgreSQL's limit is 63), distinct for distinct ids.
inline std::string database_name(const std::string& id) {
  std::string name = "t_";
  for (unsigned char c : id.substr(0, 38)) name += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
  return name + fmt::format("_{:08x}", std::hash<std::string>{}(id) & 0xffffffffu);
}

namespace detail {

inline fs::path make_temp_dir(const fs::path& parent, const std::string& prefix) {
  std::string pattern = (parent / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Where servers keep their data: in memory when /dev/shm is there (a server's start copies
// tens of megabytes, which a busy disk makes take seconds), else the temporary folder.
inline fs::path scratch_root() {
  if (::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  return fs::temp_directory_path();
}

// The newest Debian PostgreSQL's binaries (/usr/lib/postgresql/<major>/bin), if installed.
inline std::optional<fs::path> postgres_bin() {
  std::optional<fs::path> best;
  int best_major = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const int major = std::atoi(entry.path().filename().c_str());
    if (major > best_major && fs::exists(entry.path() / "bin" / "postgres")) {
      best_major = major;
      best = entry.path() / "bin";
    }
  }
  return best;
}

inline bool mariadb_installed() {
  return fs::exists("/usr/sbin/mariadbd") && fs::exists("/usr/bin/mariadb-install-db");
}

// Installs the servers with the project's own bootstrap when they are missing.
inline void install_servers() {
  const fs::path bootstrap = fs::path(HEXA_SYSTEMS_DIR).parent_path() / "scripts" / "bootstrap";
  const auto log = fs::temp_directory_path() / "hexa-test-bootstrap.log";
  run_to_end({"/bin/bash", bootstrap.string()}, log, RunAs::self(), std::chrono::minutes(15));
}

// A key that changes when the server binary is upgraded or the set-up changes.
inline std::string template_key(const std::string& engine, const fs::path& binary) {
  const auto stamp = fs::last_write_time(binary).time_since_epoch().count();
  return fmt::format("{}-v1-{:x}", engine, std::hash<std::string>{}(binary.string() + std::to_string(stamp)));
}

// A freshly initialised data folder for `key`, made once per build by `init(folder)` and then
// copied: initdb and mariadb-install-db take seconds, and ctest runs every test case in a
// process of its own. Processes racing to make it each make one; the first rename wins.
inline fs::path data_template(const std::string& key, const RunAs& as,
                              const std::function<void(const fs::path& data)>& init) {
  const auto root = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "db-templates";
  const auto done = root / key;
  if (fs::exists(done / "data")) return done / "data";
  fs::create_directories(root);
  const auto work = make_temp_dir(root, ".making-");
  as.give(work);
  init(work / "data");
  std::error_code lost;
  fs::rename(work, done, lost);
  if (lost) fs::remove_all(work, lost);
  return done / "data";
}

// Copies a data folder and gives every file to `as`.
inline void copy_data(const fs::path& from, const fs::path& to, const RunAs& as) {
  fs::copy(from, to, fs::copy_options::recursive);
  as.give(to);
  for (const auto& entry : fs::recursive_directory_iterator(to)) as.give(entry.path());
}

}  // namespace detail

// One server process and its folder; stopped (by PID) and removed when destroyed.
class DbServer {
 public:
  enum class Engine { Postgres, Mariadb };

  static std::unique_ptr<DbServer> start(Engine engine) {
    // The port was free a moment ago; another program may take it first: then try another.
    for (int attempt = 1;; ++attempt) {
      try {
        return std::unique_ptr<DbServer>(new DbServer(engine));
      } catch (const std::exception&) {
        if (attempt == 3) throw;
      }
    }
  }

  ~DbServer() { shut_down(); }
  DbServer(const DbServer&) = delete;
  DbServer& operator=(const DbServer&) = delete;

  // The store URL of `database` on this server (the engine creates it when missing).
  std::string url(const std::string& database) const {
    return engine_ == Engine::Postgres
               ? fmt::format("postgresql://hexa@127.0.0.1:{}/{}", port_, database)
               : fmt::format("mariadb://root@127.0.0.1:{}/{}", port_, database);
  }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }

  // Stops the server by its PID (its clients' connections break), keeping its data.
  void stop_server() {
    // PostgreSQL: SIGINT is its fast shutdown. MariaDB: SIGTERM.
    stop(pid_, engine_ == Engine::Postgres ? SIGINT : SIGTERM);
    pid_ = -1;
  }
  // Starts it again on the same port and data; returns once it answers.
  void start_server() {
    pid_ = spawn(args_, dir_ / "server.out", as_, engine_ == Engine::Postgres ? SIGINT : SIGTERM);
    bool exited = false;
    const bool ready =
        eventually([&] { return (exited = ended(pid_).has_value()) || answers(); }, 60s);
    if (exited) pid_ = -1;
    if (!ready || exited)
      throw std::runtime_error(fmt::format("the {} server on port {} did not start:{}",
                                           engine_ == Engine::Postgres ? "PostgreSQL" : "MariaDB",
                                           port_, last_lines(log_)));
  }

 private:
  explicit DbServer(Engine engine)
      : engine_(engine), dir_(detail::make_temp_dir(detail::scratch_root(), "hexa-db-")),
        port_(free_loopback_port()) {
    try {
      engine == Engine::Postgres ? prepare_postgres() : prepare_mariadb();
      start_server();
    } catch (...) {
      shut_down();  // the constructor failed: the destructor will not run
      throw;
    }
  }

  void shut_down() noexcept {
    stop_server();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  bool answers() const {
    if (engine_ == Engine::Postgres) {
      const auto conninfo = fmt::format("host=127.0.0.1 port={} dbname=postgres user=hexa connect_timeout=2", port_);
      return PQping(conninfo.c_str()) == PQPING_OK;
    }
    std::unique_ptr<MYSQL, decltype(&mysql_close)> m(mysql_init(nullptr), &mysql_close);
    const unsigned timeout_s = 2;
    if (m) mysql_optionsv(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
    return m && mysql_real_connect(m.get(), "127.0.0.1", "root", nullptr, nullptr, port_, nullptr, 0);
  }

  void prepare_postgres() {
    auto bin = detail::postgres_bin();
    if (!bin) detail::install_servers();
    bin = detail::postgres_bin();
    if (!bin) throw std::runtime_error("PostgreSQL is not installed (scripts/bootstrap)");
    as_ = RunAs::user_if_root("postgres");
    as_.give(dir_);
    const auto initialised = detail::data_template(
        detail::template_key("postgres", *bin / "postgres"), as_, [&](const fs::path& data) {
          // Superuser "hexa", trusted on loopback only; UTF8 and collation C as the engine
          // expects.
          run_to_end({(*bin / "initdb").string(), "-D", data.string(), "-U", "hexa",
                      "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"},
                     dir_ / "initdb.log", as_);
        });
    detail::copy_data(initialised, dir_ / "data", as_);
    log_ = dir_ / "server.out";
    // fsync off: a throw-away server whose data dies with the test needs no durability.
    args_ = {(*bin / "postgres").string(), "-D", (dir_ / "data").string(), "-p",
             std::to_string(port_), "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=200"};
  }

  void prepare_mariadb() {
    if (!detail::mariadb_installed()) detail::install_servers();
    if (!detail::mariadb_installed()) throw std::runtime_error("MariaDB is not installed (scripts/bootstrap)");
    as_ = RunAs::self();  // mariadbd runs as root when told --user=root
    const auto data = (dir_ / "data").string();
    const auto small_log = "--innodb-log-file-size=16M";
    const auto initialised = detail::data_template(
        detail::template_key("mariadb", "/usr/sbin/mariadbd"), as_, [&](const fs::path& fresh) {
          run_to_end({"/usr/bin/mariadb-install-db", "--no-defaults", "--user=" + as_.name,
                      "--datadir=" + fresh.string(), "--auth-root-authentication-method=normal",
                      "--skip-test-db", "--skip-name-resolve", small_log},
                     dir_ / "install.log", as_);
        });
    detail::copy_data(initialised, data, as_);
    log_ = dir_ / "mariadb.log";
    // Root may connect from 127.0.0.1 without a password: loopback only, data thrown away.
    args_ = {"/usr/sbin/mariadbd", "--no-defaults", "--user=" + as_.name, "--datadir=" + data,
             "--port=" + std::to_string(port_), "--bind-address=127.0.0.1",
             "--socket=" + (dir_ / "mysqld.sock").string(),
             "--pid-file=" + (dir_ / "mysqld.pid").string(), "--skip-name-resolve",
             "--skip-log-bin", small_log, "--innodb-buffer-pool-size=64M",
             "--innodb-flush-log-at-trx-commit=2", "--max-connections=200",
             "--log-error=" + log_.string()};
  }

  Engine engine_;
  fs::path dir_;
  std::uint16_t port_;
  RunAs as_ = RunAs::self();
  std::vector<std::string> args_;  // the server's command line
  fs::path log_;                   // where it says why it did not start
  pid_t pid_ = -1;
};

// The servers of this test program: each started on first use, all stopped when the
// program's tests are over (gtest calls TearDown, or deletes the environment at exit).
class DbServers : public ::testing::Environment {
 public:
  static DbServers& get() {
    // gtest owns environments and deletes them at exit.
    static auto* servers = static_cast<DbServers*>(::testing::AddGlobalTestEnvironment(new DbServers));
    return *servers;
  }

  DbServer& postgres() { return server(postgres_, DbServer::Engine::Postgres); }
  DbServer& mariadb() { return server(mariadb_, DbServer::Engine::Mariadb); }

  void TearDown() override {
    postgres_.reset();
    mariadb_.reset();
  }

 private:
  DbServer& server(std::unique_ptr<DbServer>& slot, DbServer::Engine engine) {
    if (!slot) slot = DbServer::start(engine);
    return *slot;
  }

  std::unique_ptr<DbServer> postgres_;
  std::unique_ptr<DbServer> mariadb_;
};

}  // namespace hexa::testing
