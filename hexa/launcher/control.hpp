#pragma once
// The control API of a running `hexa up`, on 127.0.0.1:<control_port>:
//   GET  /status          the launcher.json document
//   GET  /metrics         each instance's restarts and readiness, in Prometheus' text format
//   POST /stop/<name>     stop a service's instances, or one instance ("reservation-2")
//   POST /start/<name>    start them again (same ports)
//   POST /rollout/<service>[?gate=0]   replace its instances one by one (rollout.hpp); answers
//                         {"rollout": id}; GET /status shows it under "rollout" until the next
// Requests arrive on the server's thread; the supervisor lives on the main thread. This class
// is the hand-over: the main thread publishes snapshots and takes the queued commands.
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/launcher/loopback_http.hpp"

namespace hexa::launcher {

struct Command {
  enum class Kind { Stop, Start, Rollout } kind;
  std::string target;
  int rollout = 0;    // Rollout: its id
  bool gated = true;  // Rollout: readiness-gated
};

class ControlState {
 public:
  void publish(nlohmann::json snapshot);  // main thread
  std::vector<Command> take_commands();   // main thread
  HttpAnswer handle(std::string_view method, std::string_view target);  // server thread

 private:
  std::vector<std::string> select(const std::string& name) const;  // under the lock
  HttpAnswer rollout(std::string_view method, std::string_view target);  // under the lock

  mutable std::mutex mutex_;
  nlohmann::json snapshot_ = nlohmann::json::object();
  std::vector<Command> commands_;
  int rollouts_ = 0;
};

}  // namespace hexa::launcher
