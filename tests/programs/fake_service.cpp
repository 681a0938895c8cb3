// A stand-in service for the launcher's tests: it serves readiness on $SERVER_PORT, tells what
// it was given (GET /env, GET /args), records its PID in $DATA_DIR/<INSTANCE_ID>.pid so a
// test can check it is gone, and stops cleanly on SIGTERM. FAKE_FAIL_AT_START=1 makes it fail
// at once, as a broken service would. Serves with hexa::http::Server, as real services do.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/http/server.hpp"

extern char** environ;

namespace {

namespace http = hexa::http;

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
  http::Server server({.address = "127.0.0.1", .port = port}, [&](http::Request&& req,
                                                                   http::Responder respond) {
    const auto target = req.target();
    if (req.method() != http::Verb::get) {
      respond(http::error_response(req, http::Status::method_not_allowed, "GET only"));
    } else if (target == "/actuator/health/readiness") {
      respond(http::json_response(req, http::Status::ok, R"({"status":"UP"})"));
    } else if (target == "/env") {
      respond(http::json_response(req, http::Status::ok, environment().dump()));
    } else if (target == "/args") {
      respond(http::json_response(req, http::Status::ok, args.dump()));
    } else {
      respond(http::error_response(req, http::Status::not_found, "no such path"));
    }
  });
  server.start();
  record_pid();
  std::cout << "fake_service " << env_or("INSTANCE_ID", "?") << " listening on " << server.port()
            << std::endl;

  int sig = 0;
  ::sigwait(&stop_signals, &sig);
  std::cout << "fake_service stopping on signal " << sig << std::endl;
  server.stop();
  return 0;
}
