// A stand-in service for the launcher's tests: it serves readiness on $SERVER_PORT, tells what
// it was given (GET /env, GET /args), records its PID in $DATA_DIR/<INSTANCE_ID>.pid so a
// test can check it is gone, and stops cleanly on SIGTERM. FAKE_FAIL_AT_START=1 makes it fail
// at once, as a broken service would. Serves with hexa::http::Server, as real services do.
// Sickness, for the launcher's liveness checks: GET /sick/fail makes its liveness answer 503
// from then on, GET /sick/hang blocks its one I/O thread for good (a hung event loop), and
// FAKE_LIVENESS=down makes it sick from the start (a crash loop). As a gateway it takes the
// launcher's PUT /actuator/upstreams/<service> and shows what it was given at GET /upstreams.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
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
  std::atomic<bool> sick = env_or("FAKE_LIVENESS", "") == "down";
  std::atomic<bool> busy = false;  // /busy/on: one core spent, for the autoscaler
  std::jthread burner([&busy](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      if (!busy) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::mutex upstreams_mutex;
  nlohmann::json upstreams = nlohmann::json::object();
  http::Server server({.address = "127.0.0.1", .port = port}, [&](http::Request&& req,
                                                                   http::Responder respond) {
    const std::string target(req.target());
    if (req.method() == http::Verb::put && target.starts_with("/actuator/upstreams/")) {
      const std::scoped_lock lock(upstreams_mutex);
      upstreams[target.substr(20)] = nlohmann::json::parse(req.body(), nullptr, false);
      respond(http::json_response(req, http::Status::ok, upstreams.dump()));
    } else if (req.method() != http::Verb::get) {
      respond(http::error_response(req, http::Status::method_not_allowed, "GET only"));
    } else if (target == "/actuator/health/liveness") {
      respond(sick ? http::json_response(req, http::Status::service_unavailable, R"({"status":"DOWN"})")
                   : http::json_response(req, http::Status::ok, R"({"status":"UP"})"));
    } else if (target == "/sick/fail") {
      sick = true;
      respond(http::json_response(req, http::Status::ok, R"({"sick":"fail"})"));
    } else if (target == "/sick/hang") {
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // the event loop, hung
    } else if (target == "/busy/on" || target == "/busy/off") {
      busy = target == "/busy/on";
      respond(http::json_response(req, http::Status::ok, R"({"busy":")" + target.substr(6) + R"("})"));
    } else if (target == "/upstreams") {
      const std::scoped_lock lock(upstreams_mutex);
      respond(http::json_response(req, http::Status::ok, upstreams.dump()));
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
