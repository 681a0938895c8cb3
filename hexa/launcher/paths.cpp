#include "hexa/launcher/paths.hpp"

#include <cstdlib>
#include <string>

namespace hexa::launcher {
namespace {

std::optional<fs::path> env_path(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return fs::path(value);
}

// "/x/systems/" and "/x/systems" must have the same parent: the repo root.
fs::path normal(const fs::path& p) {
  fs::path out = fs::absolute(p).lexically_normal();
  return out.has_filename() ? out : out.parent_path();
}

}  // namespace

fs::path systems_dir() {
  return normal(env_path("HEXA_SYSTEMS_DIR").value_or(fs::path(HEXA_SYSTEMS_DIR)));
}

fs::path bin_dir() {
  if (auto dir = env_path("HEXA_BIN_DIR")) return normal(*dir);
  return fs::read_symlink("/proc/self/exe").parent_path();
}

fs::path data_dir(const std::optional<fs::path>& chosen) {
  if (chosen) return normal(*chosen);
  if (auto dir = env_path("HEXA_DATA_DIR")) return normal(*dir);
  return systems_dir().parent_path() / "data";
}

fs::path db_dev_script() { return systems_dir().parent_path() / "scripts" / "db-dev"; }

fs::path state_file(const fs::path& data, const std::string& system) {
  return data / system / "launcher.json";
}

}  // namespace hexa::launcher
