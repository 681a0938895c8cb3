#pragma once
// Private to hexa/gateway: keeps every service's rotation up to date by asking each instance
// for its readiness (GET upstream.health.path, 200 = ready) every upstream.health.interval-ms.
// A single instance is checked too: when it is not ready the gateway answers a fast, clear
// 503 rather than handing it requests it cannot serve.
#include <chrono>
#include <condition_variable>
#include <functional>
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
  std::chrono::milliseconds interval{2000};  // 0: no checks, and no instance ever leaves the rotation
  std::chrono::milliseconds timeout{1000};
  std::string path = "/actuator/health/readiness";
  static HealthOptions from(const Config& config);
  bool checked() const { return interval.count() > 0; }
};

// Logs an instance leaving or rejoining its service's rotation.
void note_rotation(const Upstream& upstream, std::size_t instance, bool in, const std::string& why);

// Asks every instance of `upstream` for its readiness now, puts each in or out of rotation by
// its answer, then runs `then` (on the client's thread). For a request that finds no instance
// in rotation: verdicts may be an interval old, and a service that has just come back must
// not be refused on a stale one. `upstream` and `client` must outlive the answers.
void recheck(http::Client& client, const HealthOptions& options, Upstream& upstream, std::function<void()> then);

class HealthChecker {
 public:
  // `upstreams` and `client` must outlive the checker and the probes it leaves in flight.
  HealthChecker(std::vector<Upstream*> upstreams, http::Client& client, HealthOptions options);
  ~HealthChecker();  // stops the checks; answers still in flight update their upstream harmlessly
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

 private:
  void run(std::stop_token stop);

  std::vector<Upstream*> upstreams_;
  http::Client& client_;
  HealthOptions options_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: starts once everything above exists
};

}  // namespace hexa::gateway
