#include "hexa/launcher/system_spec.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

namespace hexa::launcher {
namespace {

std::uint16_t port_of(const YAML::Node& node, const std::string& what) {
  const auto port = node["port"] ? node["port"].as<long>() : 0;  // as<> throws on text
  if (port <= 0 || port > 65535) {
    throw YAML::ParserException(node.Mark(), what + " needs a port between 1 and 65535");
  }
  return static_cast<std::uint16_t>(port);
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Autoscale autoscale_of(const YAML::Node& node, const std::string& service) {
  Autoscale a{node["min"].as<int>(1), node["max"].as<int>(1), node["cpu"].as<int>(80)};
  if (a.min < 1 || a.max < a.min || a.cpu_percent < 1 || a.cpu_percent > 100)
    throw YAML::ParserException(node.Mark(), "autoscale of " + service + " needs 1 <= min <= max and cpu 1..100");
  return a;
}

ServiceSpec service_of(const YAML::Node& key, const YAML::Node& body) {
  ServiceSpec service{key.as<std::string>(), 0};
  // "gateway" names the system's gateway instance in commands such as `hexa stop sys/gateway`.
  if (!valid_name(service.name) || service.name == "gateway") {
    throw YAML::ParserException(key.Mark(), "bad service name '" + service.name + "'");
  }
  service.port = port_of(body, "service " + service.name);
  if (const YAML::Node executable = body["executable"]) {
    service.executable = executable.as<std::string>();
    if (!valid_name(service.executable))  // a name in the bin folder, never a path
      throw YAML::ParserException(executable.Mark(), "bad executable name '" + service.executable + "'");
  }
  if (const YAML::Node config = body["config"]) service.config = config.as<std::string>();
  if (const YAML::Node env = body["env"]) {
    if (!env.IsMap()) throw YAML::ParserException(env.Mark(), "env of " + service.name + " must map NAME: value");
    for (const auto& e : env) service.env[e.first.as<std::string>()] = e.second.as<std::string>();
  }
  if (const YAML::Node core = body["core"]) service.core = core.as<bool>();
  if (const YAML::Node scale = body["autoscale"]) service.autoscale = autoscale_of(scale, service.name);
  return service;
}

// profiles: {<name>: {store: URL, stores: {<service>: URL}}}; other keys of a profile are
// left to whoever reads them.
ProfileSpec profile_of(const YAML::Node& body, const SystemSpec& spec, const std::string& name) {
  if (!body.IsMap()) throw YAML::ParserException(body.Mark(), "profile " + name + " must be a map");
  ProfileSpec profile;
  if (const YAML::Node store = body["store"]) profile.store = store.as<std::string>();
  if (const YAML::Node stores = body["stores"]) {
    if (!stores.IsMap())
      throw YAML::ParserException(stores.Mark(), "stores of profile " + name + " must map services to URLs");
    for (const auto& entry : stores) {
      const auto service = entry.first.as<std::string>();
      if (spec.find(service) == nullptr)
        throw YAML::ParserException(entry.first.Mark(), "profile " + name + " names no service '" + service + "'");
      profile.stores[service] = entry.second.as<std::string>();
    }
  }
  return profile;
}

SystemSpec parse(const YAML::Node& root, const std::filesystem::path& dir) {
  SystemSpec spec;
  spec.name = dir.filename().string();
  spec.dir = dir;
  const YAML::Node services = root["services"];
  if (!services || !services.IsMap() || services.size() == 0) {
    throw YAML::ParserException(root.Mark(), "`services` must map each service to {port: N}");
  }
  for (const auto& entry : services) spec.services.push_back(service_of(entry.first, entry.second));
  if (const YAML::Node gateway = root["gateway"]) {
    spec.gateway = GatewaySpec{port_of(gateway, "gateway"),
                               gateway["config"] ? gateway["config"].as<std::string>() : "gateway.yaml"};
  }
  if (const YAML::Node profiles = root["profiles"]) {
    if (!profiles.IsMap()) throw YAML::ParserException(profiles.Mark(), "`profiles` must be a map");
    for (const auto& entry : profiles) {
      const auto name = entry.first.as<std::string>();
      spec.profiles[name] = profile_of(entry.second, spec, name);
    }
  }
  return spec;
}

}  // namespace

const ServiceSpec* SystemSpec::find(const std::string& service) const {
  const auto it = std::ranges::find(services, service, &ServiceSpec::name);
  return it == services.end() ? nullptr : &*it;
}

SystemSpec load_system(const std::filesystem::path& systems, const std::string& name) {
  const auto dir = systems / name;
  const auto file = dir / "system.yaml";
  if (!std::filesystem::is_regular_file(file)) {
    throw std::runtime_error(fmt::format("no system '{}': {} not found", name, file.string()));
  }
  try {
    return parse(YAML::LoadFile(file.string()), dir);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(
        fmt::format("{}:{}: {}", file.string(), e.mark.is_null() ? 0 : e.mark.line + 1, e.msg));
  }
}

}  // namespace hexa::launcher
