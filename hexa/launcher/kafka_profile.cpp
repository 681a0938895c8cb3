#include "hexa/launcher/kafka_profile.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "hexa/config/config.hpp"
#include "hexa/events/unique_fd.hpp"
#include "hexa/launcher/child_process.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/launcher/paths.hpp"

namespace hexa::launcher {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultBootstrap = "127.0.0.1:9092";

// system.yaml's profiles.kafka section, if any (system_spec leaves other keys to their readers).
YAML::Node kafka_section(const SystemSpec& spec) {
  const auto file = spec.dir / "system.yaml";
  try {
    const auto root = YAML::LoadFile(file.string());
    return root["profiles"] && root["profiles"]["kafka"] ? root["profiles"]["kafka"] : YAML::Node();
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(file.string() + ": profiles.kafka: " + e.what());
  }
}

struct Address {
  std::string host;
  std::uint16_t port = 0;
};

// The first broker of a bootstrap list: the one a local dev broker would be.
Address first_broker(const std::string& bootstrap) {
  const auto first = bootstrap.substr(0, bootstrap.find(','));
  const auto colon = first.rfind(':');
  const int port = colon == std::string::npos ? 9092 : std::atoi(first.c_str() + colon + 1);
  if (port <= 0 || port > 65535) throw std::runtime_error("bad Kafka bootstrap address '" + bootstrap + "'");
  return {first.substr(0, colon), static_cast<std::uint16_t>(port)};
}

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost"; }

// Whether something accepts connections on 127.0.0.1:port (on loopback the answer is at once).
bool answers(std::uint16_t port) {
  hexa::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return fd && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

std::string tail_from(const fs::path& file, std::uintmax_t offset) {
  std::ifstream in(file);
  in.seekg(static_cast<std::streamoff>(offset));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void start_local_broker(std::uint16_t port, const fs::path& data_root, const fs::path& log) {
  const auto script = systems_dir().parent_path() / "scripts" / "kafka-dev";
  std::error_code none;
  const auto offset = fs::exists(log) ? fs::file_size(log, none) : 0;
  notice("nothing answers on 127.0.0.1:{}: starting the dev Kafka broker ({} start)", port, script.string());
  const pid_t pid = spawn({script, {"start"},
                           {{"KAFKA_HOST", "127.0.0.1"}, {"KAFKA_PORT", std::to_string(port)},
                            {"HEXA_DATA_DIR", data_root.string()}},
                           log});
  const int status = reap(pid);  // kafka-dev waits until the broker is ready
  const auto output = tail_from(log, offset);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("{} start {}:\n{}", script.string(), describe_exit(status), output));
  fmt::print(stderr, "{}", output);
}

}  // namespace

std::string KafkaProfile::bus_url() const {
  return "kafka://" + bootstrap + "?partitions=" + std::to_string(partitions);
}

std::optional<KafkaProfile> kafka_profile(const SystemSpec& spec, const std::string& profiles,
                                          const char* env_bootstrap) {
  const auto active = hexa::Config::parse_profiles(profiles);
  if (std::find(active.begin(), active.end(), "kafka") == active.end()) return std::nullopt;
  KafkaProfile profile{kDefaultBootstrap};
  const auto section = kafka_section(spec);
  try {
    if (section && section["bootstrap"]) profile.bootstrap = section["bootstrap"].as<std::string>();
    if (section && section["partitions"]) profile.partitions = section["partitions"].as<int>();
  } catch (const YAML::Exception& e) {
    throw std::runtime_error((spec.dir / "system.yaml").string() + ": profiles.kafka: " + e.what());
  }
  if (env_bootstrap && *env_bootstrap) profile.bootstrap = env_bootstrap;
  return profile;
}

void use_kafka_profile(Plan& plan, const SystemSpec& spec, const std::string& profiles) {
  const auto profile = kafka_profile(spec, profiles, std::getenv("KAFKA_BOOTSTRAP"));
  if (!profile) return;
  const auto log_bus = "log:" + (plan.dir / "bus").string();  // the plan's default
  for (auto& instance : plan.instances) {
    auto& url = instance.env["BUS_URL"];
    if (url == log_bus) url = profile->bus_url();  // an explicit --env BUS_URL=... wins
  }
  const auto broker = first_broker(profile->bootstrap);
  if (!is_loopback(broker.host)) return;  // a remote cluster is not ours to start
  if (!answers(broker.port))
    start_local_broker(broker.port, plan.dir.parent_path(), plan.dir / "logs" / "kafka-dev.log");
}

}  // namespace hexa::launcher
