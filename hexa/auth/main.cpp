// build/bin/hexa-auth: a system's auth service.
//   hexa-auth --config <auth.yaml>        serves tokens (PROFILE, SERVER_PORT, DATA_DIR, ... as
//                                         for every service; see auth_server.hpp)
//   hexa-auth hash-password [iterations]  reads a password on stdin, prints the hash to put in
//                                         auth.yaml (users.<name>.password, clients.<id>.secret)
// SIGINT/SIGTERM stop the service gracefully.
#include <iostream>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>

#include "hexa/auth/auth_server.hpp"
#include "hexa/auth/password.hpp"
#include "hexa/runtime/process.hpp"

namespace {

int hash_password(int argc, char** argv) {
  const unsigned iterations =
      argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : hexa::auth::kDefaultIterations;
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

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc > 1 && std::string_view(argv[1]) == "hash-password") return hash_password(argc, argv);
    hexa::Process process(argc, argv, "auth");
    const auto& config = process.config();
    hexa::auth::AuthServer server(config);
    const std::chrono::milliseconds grace(config.get_int("server.shutdown-grace-ms", 5000));
    config.check_known();  // a key nobody read is a typo: stop before serving
    server.start();
    const int sig = process.wait_for_stop();
    spdlog::info("auth stopping (signal {})", sig);
    server.stop(grace);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hexa-auth: " << e.what() << "\n";
    return 1;
  }
}
