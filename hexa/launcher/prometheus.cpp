#include "hexa/launcher/prometheus.hpp"

#include <fmt/format.h>

namespace hexa::launcher {
namespace {

// One static target; JSON strings are valid YAML scalars, so names need no YAML escaping.
std::string target(const std::string& system, const nlohmann::json& i) {
  return fmt::format("      - targets: [\"127.0.0.1:{}\"]\n"
                     "        labels: {{system: {}, service: {}, instance: {}}}\n",
                     i.value("port", 0), nlohmann::json(system).dump(), nlohmann::json(i.value("service", "")).dump(),
                     nlohmann::json(i.value("instance", "")).dump());
}

}  // namespace

std::string scrape_config(const nlohmann::json& state, const std::filesystem::path& rules) {
  const std::string system = state.value("system", "");
  const auto quoted = [](const std::string& s) { return nlohmann::json(s).dump(); };
  std::string out = fmt::format(
      "# Written by `hexa prometheus {0}` from the running launcher: write it again after a\n"
      "# restart of `hexa up` (ports may change). prometheus --config.file=<this file>\n"
      "global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\n"
      "rule_files:\n  - {1}\n"
      "scrape_configs:\n"
      "  - job_name: {2}\n    metrics_path: /actuator/prometheus\n    static_configs:\n",
      system, quoted(rules.string()), quoted(system));
  for (const auto& i : state.value("instances", nlohmann::json::array())) out += target(system, i);
  if (state.contains("gateway") && state["gateway"].is_object()) out += target(system, state["gateway"]);
  // Its samples carry their own system/service/instance labels: honoured, not renamed.
  out += fmt::format(
      "  - job_name: {}\n    metrics_path: /metrics\n    honor_labels: true\n    static_configs:\n"
      "      - targets: [\"127.0.0.1:{}\"]\n        labels: {{system: {}}}\n",
      quoted(system + "-launcher"), state.value("control_port", 0), quoted(system));
  return out;
}

}  // namespace hexa::launcher
