#pragma once
// systems/<system>/system.yaml: which services a system has, their default ports, its gateway.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hexa::launcher {

// `autoscale: {min: 1, max: 10, cpu: 15}`: replicas between min and max, keeping the average
// CPU near `cpu` percent of the request (the seeds' `kubectl autoscale` figures).
struct Autoscale {
  int min = 1;
  int max = 1;
  int cpu_percent = 80;
};

struct ServiceSpec {
  std::string name;
  std::uint16_t port = 0;  // the default port of its first replica
  // A framework executable instead of the system's own (`executable: hexa-auth`), and its config
  // file relative to the system's folder (`config: auth.yaml`). Empty: build/bin/<system>-<name>
  // with <name>/application.yaml.
  std::string executable;
  std::string config;
  // Settings an operator changes per deployment (the seeds' ConfigMap demos: `env: {SYSTEM_MODE:
  // LOCAL_SYSTEM}`): the launcher sets them, and the Kubernetes ConfigMap carries them.
  std::map<std::string, std::string> env;
  bool core = false;  // the core domain: kept available through voluntary disruptions (PDB)
  std::optional<Autoscale> autoscale;
};

struct GatewaySpec {
  std::uint16_t port = 0;
  std::string config;  // file name relative to the system's folder
};

// What an active profile changes for the services (system.yaml `profiles:`): their stores.
// URLs may hold {system} and {service}, replaced when planning.
struct ProfileSpec {
  std::optional<std::string> store;           // every service's store
  std::map<std::string, std::string> stores;  // a service's own, over `store`
};

struct SystemSpec {
  std::string name;
  std::filesystem::path dir;          // systems/<name>
  std::vector<ServiceSpec> services;  // in file order, as people read them
  std::optional<GatewaySpec> gateway;
  std::map<std::string, ProfileSpec> profiles;  // by profile name

  const ServiceSpec* find(const std::string& service) const;
};

// Throws std::runtime_error naming the file (and line, for malformed YAML).
SystemSpec load_system(const std::filesystem::path& systems, const std::string& name);

}  // namespace hexa::launcher
