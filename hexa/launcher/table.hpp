#pragma once
// The table `hexa up` and `hexa status` print, from a launcher.json document.
#include <string>

#include <nlohmann/json.hpp>

#include "hexa/launcher/usage.hpp"

namespace hexa::launcher {

// SERVICE INSTANCE PORT PID URL STATE RESTARTS rows, then the gateway's URL; with `usage`
// (hexa status), CPU and LAG columns too ("-" where unknown).
std::string render_table(const nlohmann::json& state, const std::map<std::string, Usage>* usage = nullptr);

}  // namespace hexa::launcher
