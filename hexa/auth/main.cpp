// build/bin/hexa-auth: a system's auth service.
//   hexa-auth --config <auth.yaml>        serves tokens (PROFILE, SERVER_PORT, DATA_DIR, ... as
//                                         for every service; see auth_server.hpp)
//   hexa-auth hash-password [iterations]  reads a password on stdin, prints the hash to put in
//                                         auth.yaml (users.<name>.password, clients.<id>.secret)
// SIGINT/SIGTERM stop the service gracefully.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "hexa/auth/auth_server.hpp"
#include "hexa/auth/password.hpp"
#include "hexa/config/config.hpp"
#include "hexa/runtime/logging.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: hexa-auth --config <auth.yaml>\n"
    "       hexa-auth hash-password [iterations]   (password on stdin)\n";

std::string config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--config=")) return std::string(arg.substr(9));
  }
  return {};
}

int hash_password(int argc, char** argv) {
  const unsigned iterations = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : hexa::auth::kDefaultIterations;
  std::string password;
  std::getline(std::cin, password);
  if (password.empty()) {
    std::cerr << "hexa-auth: empty password\n";
    return 2;
  }
  const auto hash = hexa::auth::hash_password(password, iterations);
  if (!hexa::auth::is_password_hash(hash)) {
    std::cerr << "hexa-auth: iterations must be between 1000 and 10000000\n";
    return 2;
  }
  std::cout << hash << "\n";
  return 0;
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
  if (argc > 1 && std::string_view(argv[1]) == "hash-password") return hash_password(argc, argv);
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
    hexa::setup_logging(config.get("instance.id", "auth"), config.get("logging.level", "info"));
    hexa::auth::AuthServer server(config);
    server.start();
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("auth stopping (signal {})", sig);
    server.stop(std::chrono::milliseconds(config.get_int("server.shutdown-grace-ms", 5000)));
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("auth: {}", e.what());
    return 1;
  }
}
