#pragma once
// `hexa up <system> --autoscale <service>=min:max:cpu` (or `--autoscale <service>` for the
// figures in system.yaml's `autoscale`): the HorizontalPodAutoscaler's rule on one machine.
// Every period, each ready instance's CPU is sampled (percent of one core: what a pod requesting
// one CPU would report); the recommendation is HPA's ceil(replicas × average / target), within
// [min, max], unchanged while the ratio is within HPA's 10% tolerance. Up at once: a new instance
// on a free port joins the gateway's rotation once ready (as in a rollout). Down: the highest
// recommendation of the stabilisation window (HPA's downscale window) decides, and the newest
// instance leaves: out of the gateway first, stopped after a deregistration delay (its requests
// in flight finish), then forgotten. One change at a time. Consumers among the instances split
// the event stream through their group.
// Only the gateway learns of new instances: scale services that only the gateway calls.
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/launcher/supervisor.hpp"
#include "hexa/launcher/system_spec.hpp"

namespace hexa::launcher {

struct AutoscaleRule {
  std::string service;
  Autoscale bounds;
};

// "pay=1:3:50", or "pay" for system.yaml's figures. Throws std::runtime_error with the reason.
std::vector<AutoscaleRule> parse_autoscale(const std::vector<std::string>& texts, const SystemSpec& spec);

// HPA's recommendation for `current` replicas at `average_cpu` percent.
int recommended_replicas(int current, double average_cpu, const Autoscale& bounds);

struct AutoscaleTiming {
  std::chrono::milliseconds period{2000};             // between CPU samples and decisions
  std::chrono::milliseconds downscale_window{30'000};  // HPA's: 300 s; a local run is shorter
};

class Autoscaler {
 public:
  Autoscaler(AutoscaleRule rule, AutoscaleTiming timing, Supervisor& supervisor);
  void step();  // on the main loop, after the supervisor's tick
  // {"service", "min", "max", "cpu", "replicas", "average_cpu", "recommended", "events": [...]}
  nlohmann::json status() const;

 private:
  enum class Phase { Steady, Adding, Draining, Removing };
  std::vector<const Instance*> serving() const;  // wanted instances of the service
  std::optional<double> sample_average_cpu();
  void decide(double average_cpu);
  void add_instance();
  void remove_instance();
  void settled();
  void record(const std::string& what);

  AutoscaleRule rule_;
  AutoscaleTiming timing_;
  Supervisor& supervisor_;
  Phase phase_ = Phase::Steady;
  Clock::time_point next_sample_;
  Clock::time_point due_{};
  Clock::time_point settled_since_;  // the last change of count
  std::string changing_;  // the instance being added or removed
  std::map<std::string, std::pair<double, Clock::time_point>> last_cpu_;  // instance: seconds, when
  std::deque<std::pair<Clock::time_point, int>> recommendations_;       // within the window
  double average_cpu_ = 0;
  int recommended_ = 0;
  std::vector<nlohmann::json> events_;
};

}  // namespace hexa::launcher
