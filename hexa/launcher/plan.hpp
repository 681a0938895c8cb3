#pragma once
// The plan of `hexa up`: every instance to run, with its port, command line, environment and
// log file. Pure data, decided before any process starts, so it can be checked in tests.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hexa/launcher/ports.hpp"
#include "hexa/launcher/system_spec.hpp"

namespace hexa::launcher {

struct UpOptions {
  std::string system;
  std::string profiles;               // --profile "a,b"
  std::vector<std::string> env;       // --env "service:NAME=value" or "NAME=value" (all)
  std::vector<std::string> replicas;  // --replicas "service=N"
  std::optional<std::filesystem::path> data_dir;
  bool free_ports = false;
  std::vector<std::string> autoscale;  // --autoscale "service=min:max:cpu" or "service"
  int autoscale_window_s = 30;         // --autoscale-window: HPA's downscale stabilisation
};

inline constexpr const char* kGateway = "gateway";

struct InstancePlan {
  std::string service;   // "gateway" for the gateway
  std::string instance;  // "reservation-2"; the gateway's is "gateway"
  std::uint16_t port = 0;
  std::filesystem::path program;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // set over the launcher's own environment
  std::filesystem::path log;
  Liveness liveness;
  bool is_gateway() const { return service == kGateway; }
  std::string url() const;
};

struct Plan {
  std::string system;
  std::filesystem::path dir;            // <data>/<system>: logs, bus, service data, launcher.json
  std::vector<InstancePlan> instances;  // each service's replicas in file order, gateway last
};

// Throws std::runtime_error for unknown services in --env/--replicas, bad values, or a
// default port already taken (then --free-ports is the way out).
// A service's STORE_URL comes from the active profiles' stores in system.yaml (none: its SQLite
// file in DATA_DIR); --env overrides it like any other variable.
// Every instance's SERVICES_<NAME>_URL lists all replicas, fixed at plan time: adding replicas
// later (scale) means re-planning the URLs and restarting the callers that should see them.
Plan make_plan(const SystemSpec& spec, const UpOptions& options, const std::filesystem::path& bin,
               const std::filesystem::path& data_root, const PortProbe& ports = {});

// "a, b" -> "a,b"; nothing -> "default" (what services receive as PROFILE).
std::string profile_list(const std::string& profiles);

}  // namespace hexa::launcher
