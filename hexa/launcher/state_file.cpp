#include "hexa/launcher/state_file.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace hexa::launcher {
namespace {

nlohmann::json instance_json(const Instance& i) {
  return {{"service", i.plan.service}, {"instance", i.plan.instance}, {"port", i.plan.port},
          {"pid", i.pid},              {"state", to_string(i.state)}, {"url", i.plan.url()},
          {"log", i.plan.log.string()}, {"restarts", i.restarts}};
}

}  // namespace

nlohmann::json snapshot(const Supervisor& supervisor, std::uint16_t control_port) {
  nlohmann::json out{{"pid", ::getpid()},
                     {"control_port", control_port},
                     {"system", supervisor.system()},
                     {"gateway", nullptr},
                     {"instances", nlohmann::json::array()}};
  for (const auto& i : supervisor.instances()) {
    if (i.plan.is_gateway()) {
      out["gateway"] = instance_json(i);
    } else {
      out["instances"].push_back(instance_json(i));
    }
  }
  return out;
}

void write_atomically(const std::filesystem::path& file, const std::string& text) {
  auto aside = file;
  aside += ".tmp";
  {
    std::ofstream out(aside, std::ios::binary | std::ios::trunc);
    out << text << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + aside.string());
  }
  std::filesystem::rename(aside, file);
}

std::optional<nlohmann::json> read_state(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

}  // namespace hexa::launcher
