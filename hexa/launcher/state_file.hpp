#pragma once
// launcher.json: what a running `hexa up` publishes about itself, for `hexa status/stop/start`
// and for people: {"pid", "control_port", "system", "gateway": {...}, "instances": [...]}.
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "hexa/launcher/supervisor.hpp"

namespace hexa::launcher {

nlohmann::json snapshot(const Supervisor& supervisor, std::uint16_t control_port);

// Readers never see a half-written file: write aside, then rename over.
void write_atomically(const std::filesystem::path& file, const std::string& text);
// Nothing when the file is absent or unreadable.
std::optional<nlohmann::json> read_state(const std::filesystem::path& file);

}  // namespace hexa::launcher
