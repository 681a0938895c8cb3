#pragma once
// Keeps a system's instances running: starts them, notices when they end (reaping by PID),
// restarts the ones that died unexpectedly after a growing backoff, and stops or starts them
// on request. Once ready, an instance is asked for its liveness every period (InstancePlan::
// liveness, as kubelet); one that fails `failure_threshold` checks in a row (a hung event loop,
// a liveness check that says DOWN) is stopped and restarted like a crashed one, with the same
// backoff. The backoff is forgotten once an instance has stayed ready for kStableAfter: a
// service that becomes ready and falls sick again keeps backing off (a crash loop).
// Liveness checks run on threads of their own, so a hung service never delays the loop. Used from the launcher's main thread only: no locks, and every fork happens on
// the thread whose death the children's PR_SET_PDEATHSIG watches.
#include <sys/types.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "hexa/launcher/plan.hpp"

namespace hexa::launcher {

using Clock = std::chrono::steady_clock;

enum class State {
  Starting,    // running, not yet ready
  Ready,       // answered its readiness probe
  Stopping,    // SIGTERM sent, waiting for it to end
  Stopped,     // stopped on request; stays down until started again
  Restarting,  // died unexpectedly; starts again when its backoff is over
  Exited,      // ended during start-up (nothing restarts it then: start-up fails instead)
};
const char* to_string(State state);

struct Instance {
  InstancePlan plan;
  pid_t pid = 0;
  State state = State::Stopped;
  bool wanted = true;          // false once stopped on request: self-healing leaves it alone
  int crashes = 0;             // since it was last ready: drives the backoff
  Clock::time_point due{};     // when Restarting: restart time; when Stopping: SIGKILL time
  std::string last_exit;       // "killed by signal 9", for notices and start-up failures
  int restarts = 0;            // by self-healing, since the launcher started
  bool sick = false;           // being stopped for failing its liveness checks
  Clock::time_point ready_since{};
  int liveness_failures = 0;   // in a row
  Clock::time_point next_liveness{};
  std::optional<std::future<bool>> liveness;  // a check in flight
};

// True when `target` names the instance or its service ("reservation", "reservation-2").
bool matches(const InstancePlan& instance, const std::string& target);

class Supervisor {
 public:
  // `ports` holds the plan's free ports and gives new instances theirs; it outlives the supervisor.
  Supervisor(const Plan& plan, PortLeases& ports);
  ~Supervisor();  // no child outlives its supervisor, even when an error unwinds the launcher
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  void start_all();
  // Off during start-up (an exit fails the start-up), on afterwards (an exit restarts).
  void set_healing(bool on) { healing_ = on; }
  // Reaps ended children, acts on due restarts and kills, probes readiness.
  // Returns true when any instance changed.
  bool tick();
  // Return the names of the instances the target selects (empty: no such service or instance).
  std::vector<std::string> stop(const std::string& target);
  std::vector<std::string> start(const std::string& target);
  // A new instance, started now (a rollout's); `remove` forgets a stopped one.
  void add(InstancePlan plan);
  void remove(const std::string& instance);
  Instance* find(const std::string& instance);
  // SIGTERM to every child, SIGKILL to those still running after `grace`; all reaped on return.
  void stop_all(std::chrono::milliseconds grace);

  // A port for a new instance, held against other launchers while this supervisor lives.
  std::uint16_t free_port();

  const std::vector<Instance>& instances() const { return instances_; }
  const std::string& system() const { return system_; }
  bool all_ready() const;
  const Instance* first_exited() const;

 private:
  void launch(Instance& i);
  void ended(Instance& i, int wait_status);
  bool probe(Instance& i);
  bool check_liveness(Instance& i, Clock::time_point now);
  bool act_when_due(Instance& i, Clock::time_point now);
  void request_stop(Instance& i);

  std::string system_;
  PortLeases& ports_;
  std::vector<Instance> instances_;
  bool healing_ = false;
};

}  // namespace hexa::launcher
