// A stand-in service for the launcher's tests: it serves readiness on $SERVER_PORT, tells what
// it was given (GET /env, GET /args), records its PID in $DATA_DIR/<INSTANCE_ID>.pid so a
// test can check it is gone, and stops cleanly on SIGTERM. FAKE_FAIL_AT_START=1 makes it fail
// at once, as a broken service would. Uses the launcher's loopback server, which is enough
// here and keeps these tests independent of the services' HTTP stack.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/launcher/loopback_http.hpp"

extern char** environ;

namespace {

using hexa::launcher::HttpAnswer;

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

nlohmann::json environment() {
  nlohmann::json out = nlohmann::json::object();
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    out[entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
  }
  return out;
}

void record_pid() {
  const auto dir = env_or("DATA_DIR", "");
  if (dir.empty()) return;
  std::ofstream(dir + "/" + env_or("INSTANCE_ID", "fake") + ".pid") << ::getpid() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (env_or("FAKE_FAIL_AT_START", "") == "1") {
    std::cerr << "fake_service: failing at start, as asked" << std::endl;
    return 3;
  }
  sigset_t stop_signals;
  ::sigemptyset(&stop_signals);
  ::sigaddset(&stop_signals, SIGTERM);
  ::sigaddset(&stop_signals, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before the server's thread starts

  const nlohmann::json args(std::vector<std::string>(argv + 1, argv + argc));
  const auto port = static_cast<std::uint16_t>(std::stoi(env_or("SERVER_PORT", "0")));
  hexa::launcher::LoopbackServer server(port, [&](std::string_view method, std::string_view target,
                                                  const std::string&) -> HttpAnswer {
    if (method != "GET") return {405, "{}"};
    if (target == "/actuator/health/readiness") return {200, R"({"status":"UP"})"};
    if (target == "/env") return {200, environment().dump()};
    if (target == "/args") return {200, args.dump()};
    return {404, "{}"};
  });
  record_pid();
  std::cout << "fake_service " << env_or("INSTANCE_ID", "?") << " listening on " << server.port()
            << std::endl;

  int sig = 0;
  ::sigwait(&stop_signals, &sig);
  std::cout << "fake_service stopping on signal " << sig << std::endl;
  return 0;
}
