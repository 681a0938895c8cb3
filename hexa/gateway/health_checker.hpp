#pragma once
// Private to hexa/gateway: keeps each replicated service's rotation up to date by asking every
// instance for its readiness (GET upstream.health.path, 200 = ready) every
// upstream.health.interval-ms. A service with a single instance is not checked: there is no
// other instance to send its requests to.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/gateway/routes.hpp"
#include "hexa/http/client.hpp"

namespace hexa::gateway {

struct HealthOptions {
  std::chrono::milliseconds interval{2000};  // 0: no checks
  std::chrono::milliseconds timeout{1000};
  std::string path = "/actuator/health/readiness";
  static HealthOptions from(const Config& config);
};

// Logs an instance leaving or rejoining its service's rotation.
void note_rotation(const Upstream& upstream, std::size_t instance, bool in, const std::string& why);

class HealthChecker {
 public:
  // `upstreams` and `client` must outlive the checker and the probes it leaves in flight.
  HealthChecker(std::vector<Upstream*> upstreams, http::Client& client, HealthOptions options);
  ~HealthChecker();  // stops the checks; answers still in flight update their upstream harmlessly
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

 private:
  void run(std::stop_token stop);
  void probe(Upstream& upstream, std::size_t instance);

  std::vector<Upstream*> upstreams_;
  http::Client& client_;
  HealthOptions options_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: starts once everything above exists
};

}  // namespace hexa::gateway
