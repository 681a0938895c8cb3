#pragma once
// The launcher's commands, as `main` dispatches them. Each returns the process exit code;
// errors a user can fix (unknown system, port taken, no launcher running) throw
// std::runtime_error with a message meant for them.
#include <filesystem>
#include <optional>
#include <string>

#include "hexa/launcher/plan.hpp"

namespace hexa::launcher {

using DataDir = std::optional<std::filesystem::path>;  // --data-dir, when given

// Starts the system, waits until it is ready, prints the table, then supervises it in the
// foreground until SIGINT/SIGTERM.
int run_up(const UpOptions& options);

// `target` is "<system>/<service>" or "<system>/<instance>".
int run_stop(const std::string& target, const DataDir& data);
int run_start(const std::string& target, const DataDir& data);
// Replaces a service's instances one at a time (rollout.hpp); `gated`: readiness-gated.
int run_rollout(const std::string& target, bool gated, const DataDir& data);
// Every system with a launcher under the data folder, or just `system`.
int run_status(const std::optional<std::string>& system, const DataDir& data);
// Prints (or writes to `out`) a Prometheus configuration scraping the running system (prometheus.hpp).
int run_prometheus(const std::string& system, const DataDir& data, const std::optional<std::filesystem::path>& out);

}  // namespace hexa::launcher
