#include "hexa/launcher/usage.hpp"

#include <sstream>
#include <thread>

#include "hexa/launcher/loopback_http.hpp"
#include "hexa/runtime/process_metrics.hpp"

namespace hexa::launcher {
namespace {

std::optional<double> lag_of(const nlohmann::json& i) {
  const auto answer = http_call(i.value("port", std::uint16_t{0}), "GET", "/actuator/prometheus",
                                std::chrono::milliseconds(1000));
  if (!answer || answer->status != 200) return std::nullopt;
  return sum_samples(answer->body, "hexa_consumer_lag_events");
}

}  // namespace

std::optional<double> sum_samples(const std::string& text, const std::string& family) {
  std::optional<double> sum;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(family)) continue;
    const auto rest = line.substr(family.size());
    if (!rest.empty() && rest[0] != '{' && rest[0] != ' ') continue;  // another family, longer name
    const auto space = line.rfind(' ');
    try {
      sum = sum.value_or(0) + std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      continue;  // NaN and the like: not a count
    }
  }
  return sum;
}

std::map<std::string, Usage> measure_usage(const nlohmann::json& state, std::chrono::milliseconds interval) {
  std::vector<nlohmann::json> instances;
  for (const auto& i : state.value("instances", nlohmann::json::array())) instances.push_back(i);
  if (state.contains("gateway") && state["gateway"].is_object()) instances.push_back(state["gateway"]);
  std::map<std::string, std::optional<double>> before;
  for (const auto& i : instances) before[i.value("instance", "")] = cpu_seconds(i.value("pid", 0));
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(interval);  // the interval CPU is measured over, not a wait for a condition
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::map<std::string, Usage> out;
  for (const auto& i : instances) {
    const auto name = i.value("instance", "");
    auto& u = out[name];
    const auto after = cpu_seconds(i.value("pid", 0));
    if (before[name] && after) u.cpu_percent = 100 * (*after - *before[name]) / seconds;
    u.lag = lag_of(i);
  }
  return out;
}

}  // namespace hexa::launcher
