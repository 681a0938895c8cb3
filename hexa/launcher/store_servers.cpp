#include "hexa/launcher/store_servers.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

#include "hexa/launcher/child_process.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/store/server_url.hpp"

namespace hexa::launcher {
namespace {

namespace fs = std::filesystem;

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

// The server a store URL names, when it is a local PostgreSQL or MariaDB one.
std::optional<StoreServer> server_of(const std::string& url) {
  struct Scheme {
    const char* scheme;
    const char* engine;
    std::uint16_t port;
  };
  static constexpr Scheme kSchemes[] = {{"postgresql", "postgres", 5432}, {"postgres", "postgres", 5432},
                                        {"mariadb", "mariadb", 3306},     {"mysql", "mariadb", 3306}};
  for (const auto& s : kSchemes) {
    if (!url.starts_with(std::string(s.scheme) + "://")) continue;
    const auto parsed = hexa::parse_server_url(url, s.scheme);
    if (!is_loopback(parsed.host)) return std::nullopt;
    return StoreServer{s.engine, parsed.port.value_or(s.port)};
  }
  return std::nullopt;  // sqlite: or anything else: no server
}

// What was appended to `file` from `offset` on.
std::string tail_from(const fs::path& file, std::uintmax_t offset) {
  std::ifstream in(file);
  in.seekg(static_cast<std::streamoff>(offset));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<StoreServer> local_store_servers(const Plan& plan) {
  std::set<StoreServer> servers;
  for (const auto& i : plan.instances) {
    if (const auto url = i.env.find("STORE_URL"); url != i.env.end()) {
      if (auto server = server_of(url->second)) servers.insert(*server);
    }
  }
  return {servers.begin(), servers.end()};
}

void start_store_servers(const std::vector<StoreServer>& servers, const fs::path& db_dev,
                         const fs::path& data_root, const fs::path& log) {
  for (const auto& server : servers) {
    std::error_code none;
    const auto offset = fs::exists(log) ? fs::file_size(log, none) : 0;
    const pid_t pid = spawn({db_dev, {"start", server.engine, std::to_string(server.port)},
                             {{"HEXA_DATA_DIR", data_root.string()}}, log});
    const int status = reap(pid);  // db-dev waits for its server (60 s at most)
    const auto output = tail_from(log, offset);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error(fmt::format("{} start {} {} {}:\n{}", db_dev.string(), server.engine,
                                           server.port, describe_exit(status), output));
    }
    fmt::print(stderr, "{}", output);
  }
}

}  // namespace hexa::launcher
