#pragma once
// What `hexa status` adds to the table: each instance's CPU, measured over a short interval
// from /proc/<pid>/stat, and its consumer lag, summed over the partitions it owns from its
// /actuator/prometheus (hexa_consumer_lag_events).
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace hexa::launcher {

struct Usage {
  std::optional<double> cpu_percent;  // of one core; none when the process is gone
  std::optional<double> lag;          // none: not a consumer, or it did not answer
};

// Instance name -> its usage, for the instances (and gateway) of a launcher.json document.
std::map<std::string, Usage> measure_usage(const nlohmann::json& state,
                                           std::chrono::milliseconds interval = std::chrono::milliseconds(300));

// The sum of the samples of `family` in Prometheus text; none when it has none.
std::optional<double> sum_samples(const std::string& text, const std::string& family);

}  // namespace hexa::launcher
