#pragma once
// Where the launcher finds systems and executables and keeps its data.
#include <filesystem>
#include <optional>
#include <string>

namespace hexa::launcher {

namespace fs = std::filesystem;

// $HEXA_SYSTEMS_DIR, else the source tree's systems/ (compile-time HEXA_SYSTEMS_DIR).
fs::path systems_dir();
// $HEXA_BIN_DIR, else the folder of this executable (services are built next to it).
fs::path bin_dir();
// `chosen` (--data-dir), else $HEXA_DATA_DIR, else <repo root>/data with the repo root being
// the parent of the systems folder.
fs::path data_dir(const std::optional<fs::path>& chosen);

// scripts/db-dev of the repository (the parent of the systems folder), which starts local
// database servers.
fs::path db_dev_script();

// <data>/<system>/launcher.json: how other commands find a running launcher.
fs::path state_file(const fs::path& data, const std::string& system);

}  // namespace hexa::launcher
