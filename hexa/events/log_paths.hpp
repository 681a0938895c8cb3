#pragma once
// Where the LogBus keeps its files inside its folder (see log_bus.hpp).
#include <filesystem>
#include <string>

namespace hexa::log_paths {

inline std::filesystem::path log_db(const std::filesystem::path& dir) { return dir / "log.db"; }
inline std::filesystem::path notify(const std::filesystem::path& dir) { return dir / "log.notify"; }
inline std::filesystem::path groups(const std::filesystem::path& dir) { return dir / "groups"; }
inline std::filesystem::path positions_db(const std::filesystem::path& dir) {
  return groups(dir) / "positions.db";
}
// groups/<group>@<topic>.lock, both names escaped to safe file-name characters.
std::filesystem::path group_lock(const std::filesystem::path& dir, const std::string& group,
                                 const std::string& topic);

}  // namespace hexa::log_paths
