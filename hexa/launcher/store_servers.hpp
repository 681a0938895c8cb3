#pragma once
// The database servers that a plan's stores need on this machine, started before the services
// (`make run PROFILE=postgres` needs nothing else running). scripts/db-dev does the work: it
// starts its own server when nothing answers on the port, and is a quick no-op when one does.
#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hexa/launcher/plan.hpp"

namespace hexa::launcher {

struct StoreServer {
  std::string engine;  // db-dev's names: "postgres" or "mariadb"
  std::uint16_t port = 0;
  auto operator<=>(const StoreServer&) const = default;
};

// Each PostgreSQL or MariaDB server on a loopback address that an instance's STORE_URL names,
// once, in a stable order. Servers on other hosts are not ours to start.
std::vector<StoreServer> local_store_servers(const Plan& plan);

// Runs `<db_dev> start <engine> <port>` for each server with HEXA_DATA_DIR=`data_root`, its
// output appended to `log` and shown. Throws std::runtime_error when one fails.
void start_store_servers(const std::vector<StoreServer>& servers, const std::filesystem::path& db_dev,
                         const std::filesystem::path& data_root, const std::filesystem::path& log);

}  // namespace hexa::launcher
