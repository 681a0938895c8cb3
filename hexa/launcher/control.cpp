#include "hexa/launcher/control.hpp"

#include <algorithm>

#include "hexa/runtime/metrics.hpp"

namespace hexa::launcher {
namespace {

HttpAnswer message(int status, const std::string& text) {
  return {status, nlohmann::json{{"message", text}}.dump()};
}

// The launcher's view of its instances, for Prometheus (deploy/prometheus/alerts.yml): as
// kube-state-metrics' restarts and readiness are on Kubernetes.
std::string instance_metrics(const nlohmann::json& snapshot) {
  Metrics metrics;
  const std::string system = snapshot.value("system", "");
  auto add = [&](const nlohmann::json& i) {
    if (!i.is_object()) return;
    const MetricLabels labels{{"system", system}, {"service", i.value("service", "")},
                              {"instance", i.value("instance", "")}};
    const double restarts = i.value("restarts", 0);
    const double ready = i.value("state", "") == "ready" ? 1 : 0;
    metrics.counter("hexa_launcher_instance_restarts_total", labels, "times the launcher restarted the instance",
                    [restarts] { return restarts; });
    metrics.gauge("hexa_launcher_instance_ready", labels, "1 when the instance is running and ready",
                  [ready] { return ready; });
  };
  for (const auto& i : snapshot.value("instances", nlohmann::json::array())) add(i);
  if (snapshot.contains("gateway")) add(snapshot["gateway"]);
  return metrics.render();
}

}  // namespace

void ControlState::publish(nlohmann::json snapshot) {
  const std::scoped_lock lock(mutex_);
  snapshot_ = std::move(snapshot);
}

std::vector<Command> ControlState::take_commands() {
  const std::scoped_lock lock(mutex_);
  return std::exchange(commands_, {});
}

std::vector<std::string> ControlState::select(const std::string& name) const {
  std::vector<std::string> names;
  auto consider = [&](const nlohmann::json& i) {
    if (i.is_object() && (i.value("service", "") == name || i.value("instance", "") == name)) {
      names.push_back(i.value("instance", ""));
    }
  };
  for (const auto& i : snapshot_.value("instances", nlohmann::json::array())) consider(i);
  if (snapshot_.contains("gateway")) consider(snapshot_["gateway"]);
  return names;
}

HttpAnswer ControlState::rollout(std::string_view method, std::string_view target) {
  if (method != "POST") return message(405, "use POST");
  std::string_view rest = target.substr(std::string_view("/rollout/").size());
  const auto query = rest.find('?');
  const std::string_view options = query == std::string_view::npos ? "" : rest.substr(query + 1);
  const std::string name(rest.substr(0, query));
  if (!options.empty() && options != "gate=0" && options != "gate=1") return message(400, "the only option is gate=0 or gate=1");
  const bool service = std::ranges::any_of(snapshot_.value("instances", nlohmann::json::array()),
                                           [&](const nlohmann::json& i) { return i.value("service", "") == name; });
  if (!service) return message(404, "no service '" + name + "' to roll out (the gateway and single instances are not)");
  commands_.push_back({Command::Kind::Rollout, name, ++rollouts_, options != "gate=0"});
  return {202, nlohmann::json{{"rollout", rollouts_}}.dump()};
}

HttpAnswer ControlState::handle(std::string_view method, std::string_view target) {
  const std::scoped_lock lock(mutex_);
  if (method == "GET" && target == "/status") return {200, snapshot_.dump()};
  if (method == "GET" && target == "/metrics")
    return {200, instance_metrics(snapshot_), "text/plain; version=0.0.4; charset=utf-8"};
  if (target.starts_with("/rollout/")) return rollout(method, target);
  for (const auto& [prefix, kind] : {std::pair{"/stop/", Command::Kind::Stop},
                                    std::pair{"/start/", Command::Kind::Start}}) {
    if (!target.starts_with(prefix)) continue;
    if (method != "POST") return message(405, "use POST");
    const std::string name(target.substr(std::string_view(prefix).size()));
    auto names = select(name);
    if (names.empty()) return message(404, "no service or instance '" + name + "'");
    commands_.push_back({kind, name});
    return {202, nlohmann::json{{"instances", names}}.dump()};
  }
  return message(404, "no such endpoint: " + std::string(target));
}

}  // namespace hexa::launcher
