#pragma once
// The table `hexa up` and `hexa status` print, from a launcher.json document.
#include <string>

#include <nlohmann/json.hpp>

namespace hexa::launcher {

// SERVICE INSTANCE PORT PID URL STATE rows, then the gateway's URL.
std::string render_table(const nlohmann::json& state);

}  // namespace hexa::launcher
