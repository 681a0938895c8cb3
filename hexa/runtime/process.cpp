#include "hexa/runtime/process.hpp"

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "hexa/runtime/logging.hpp"

namespace hexa {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i)
    if (argv[i] == flag) return true;
  return false;
}

std::string config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--config=")) return std::string(arg.substr(9));
  }
  if (const char* env = std::getenv("SERVICE_CONFIG")) return env;
  if (has_flag(argc, argv, "--describe")) return {};
  throw std::runtime_error(std::string("usage: ") + (argc > 0 ? argv[0] : "service") + " --config <application.yaml>");
}

// A description calls nobody: callees and webhooks need no real address (SERVICES_PAY_URL).
Config::Env describing_env() {
  return [real = Config::process_env()](const std::string& name) -> std::optional<std::string> {
    if (auto v = real(name)) return v;
    const bool address = name.ends_with("_URL") && (name.starts_with("SERVICES_") || name.starts_with("CHANNELS_"));
    if (address) return "http://127.0.0.1:9/unused-while-describing";
    return std::nullopt;
  };
}

Config load(int argc, char** argv) {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  const char* profile = std::getenv("PROFILE");
  const auto profiles = Config::parse_profiles(profile ? profile : "");
  const std::string path = config_path(argc, argv);
  const Config::Env env = has_flag(argc, argv, "--describe") ? describing_env() : Config::process_env();
  return path.empty() ? Config::from_string("{}", profiles, env) : Config::load(path, profiles, env);
}

}  // namespace

Process::Process(int argc, char** argv, const std::string& default_instance)
    : describing_(has_flag(argc, argv, "--describe")), config_(load(argc, argv)), instance_(config_.get("instance.id", default_instance)) {
  setup_logging(instance_, config_.get("logging.level", "info"));
}

Process::Process(Config config, const std::string& default_instance)
    : config_(std::move(config)), instance_(config_.get("instance.id", default_instance)) {}

int Process::wait_for_stop() const {
  const sigset_t set = stop_signals();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace hexa
