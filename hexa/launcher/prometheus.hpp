#pragma once
// `hexa prometheus <system>`: a Prometheus configuration that scrapes a running system, made
// from its launcher's state (the ports of `--free-ports` change from run to run): every
// service instance and the gateway at /actuator/prometheus, labelled system/service/instance,
// and the launcher's /metrics (restarts, readiness) for the crash-loop and readiness alerts.
// It loads the alert rules shared by every system (deploy/prometheus/alerts.yml).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace hexa::launcher {

// `state`: the launcher.json document (state_file.hpp).
std::string scrape_config(const nlohmann::json& state, const std::filesystem::path& rules);

}  // namespace hexa::launcher
