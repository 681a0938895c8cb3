#pragma once
// `hexa rollout <system>/<service>`: replaces a service's instances one at a time, as a
// Deployment's rolling update with maxSurge 1 and maxUnavailable 0. For each old instance:
// start a new one on a free port, wait until it is ready (readiness gating), give the gateway
// the new list of instances (PUT /actuator/upstreams/<service>, answered once applied: see
// hexa/gateway/upstream_control.hpp), give requests already on their way to the old one a
// moment, then stop it (SIGTERM: it finishes what it has in flight) and forget it.
// Without gating (the seeds' rollout without a readiness probe, for comparison) the new
// instance joins the gateway as soon as it is started and the old one is stopped at once.
// Only the gateway learns the new addresses: other services keep the SERVICES_<NAME>_URL they
// started with, so roll out services that only the gateway calls, or restart their callers.
// Driven by the launcher's main loop; step() never waits for long.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/launcher/supervisor.hpp"

namespace hexa::launcher {

struct RolloutRequest {
  int id = 0;
  std::string service;
  bool gated = true;
};

class Rollout {
 public:
  Rollout(RolloutRequest request, Supervisor& supervisor);
  void step();  // on the main loop, after the supervisor's tick
  bool finished() const { return phase_ == Phase::Done || phase_ == Phase::Failed; }
  // {"id", "service", "gated", "state": running|done|failed, "replaced": [[old, new], ...], "message"}
  nlohmann::json status() const;

 private:
  enum class Phase { Starting, Draining, Stopping, CleaningUp, Done, Failed };
  void start_next();
  void switch_gateway();
  void fail(const std::string& why);

  RolloutRequest request_;
  Supervisor& supervisor_;
  std::vector<std::string> old_;  // the instances to replace, in order
  std::size_t at_ = 0;            // the one being replaced
  std::string new_;               // its replacement
  std::vector<std::pair<std::string, std::string>> replaced_;
  Phase phase_ = Phase::Starting;
  Clock::time_point due_{};
  std::string message_;
};

}  // namespace hexa::launcher
