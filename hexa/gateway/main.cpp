// build/bin/hexa-gateway --config <gateway.yaml>: the system's one door. PROFILE selects the
// config's profiles; SERVER_PORT, SERVICES_<NAME>_URL and friends override it (see Config).
// SIGINT/SIGTERM stop it gracefully.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>

#include "hexa/config/config.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/runtime/logging.hpp"

namespace {

constexpr std::string_view kUsage = "usage: hexa-gateway --config <gateway.yaml>\n";

std::string config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--config=")) return std::string(arg.substr(9));
  }
  return {};
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  const auto path = config_path(argc, argv);
  if (path.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  // Blocked before any thread exists, so only the sigwait below receives them.
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    const char* profile = std::getenv("PROFILE");
    const auto config = hexa::Config::load(path, hexa::Config::parse_profiles(profile ? profile : ""));
    hexa::setup_logging(config.get("instance.id", "gateway"), config.get("logging.level", "info"));
    hexa::gateway::Gateway gateway(config);
    gateway.start();
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("gateway stopping (signal {})", sig);
    gateway.stop(std::chrono::milliseconds(config.get_int("server.shutdown-grace-ms", 5000)));
    spdlog::info("gateway stopped");
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("gateway: {}", e.what());
    return 1;
  }
}
