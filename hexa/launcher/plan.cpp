#include "hexa/launcher/plan.hpp"

#include <fmt/format.h>

#include <set>
#include <stdexcept>

#include "hexa/config/config.hpp"

namespace hexa::launcher {
namespace {

namespace fs = std::filesystem;

struct EnvSetting {
  std::string target;  // a service, or empty for every instance
  std::string name;
  std::string value;
};

// "service:NAME=value" or "NAME=value"; the value may hold ':' and '=' (URLs, lists).
EnvSetting parse_env(const std::string& text, const SystemSpec& spec) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::runtime_error("--env wants [service:]NAME=value, got '" + text + "'");
  }
  EnvSetting setting{"", text.substr(0, eq), text.substr(eq + 1)};
  if (const auto colon = setting.name.find(':'); colon != std::string::npos) {
    setting.target = setting.name.substr(0, colon);
    setting.name = setting.name.substr(colon + 1);
    if (setting.target != kGateway && spec.find(setting.target) == nullptr) {
      throw std::runtime_error("--env: no service '" + setting.target + "' in " + spec.name);
    }
  }
  if (setting.name.empty()) throw std::runtime_error("--env: empty variable name in '" + text + "'");
  return setting;
}

std::map<std::string, int> parse_replicas(const std::vector<std::string>& texts,
                                          const SystemSpec& spec) {
  std::map<std::string, int> replicas;
  for (const auto& text : texts) {
    const auto eq = text.find('=');
    const std::string service = text.substr(0, eq);
    if (eq == std::string::npos || spec.find(service) == nullptr) {
      throw std::runtime_error("--replicas wants <service>=N for a service of " + spec.name +
                               ", got '" + text + "'");
    }
    int n = 0;
    try {
      n = std::stoi(text.substr(eq + 1));
    } catch (const std::exception&) {
    }
    if (n < 1 || n > 64) throw std::runtime_error("--replicas: N must be 1..64 in '" + text + "'");
    replicas[service] = n;
  }
  return replicas;
}

// Hands out ports: the defaults (replicas on the next free ones) or any free port.
class PortPlanner {
 public:
  PortPlanner(const SystemSpec& spec, bool any, const PortProbe& probe) : any_(any), probe_(probe) {
    if (any_) return;
    for (const auto& s : spec.services) taken_.insert(s.port);  // later replicas skip these
    if (spec.gateway) taken_.insert(spec.gateway->port);
  }

  std::uint16_t first(std::uint16_t default_port, const std::string& who) {
    if (any_) return fresh();
    if (!probe_.is_free(default_port)) {
      throw std::runtime_error(fmt::format(
          "port {} for {} is taken (is it already running?); --free-ports picks free ones",
          default_port, who));
    }
    return default_port;
  }

  std::uint16_t next_after(std::uint16_t previous) {
    if (any_) return fresh();
    for (unsigned port = previous + 1u; port <= 65535; ++port) {
      const auto candidate = static_cast<std::uint16_t>(port);
      if (!taken_.contains(candidate) && probe_.is_free(candidate)) {
        taken_.insert(candidate);
        return candidate;
      }
    }
    throw std::runtime_error(fmt::format("no free port after {}", previous));
  }

 private:
  std::uint16_t fresh() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const auto port = probe_.any_free();
      if (taken_.insert(port).second) return port;  // the kernel may hand a port out twice
    }
    throw std::runtime_error("could not find distinct free ports");
  }

  bool any_;
  const PortProbe& probe_;
  std::set<std::uint16_t> taken_;
};

std::string url_of(std::uint16_t port) { return fmt::format("http://127.0.0.1:{}", port); }

// SERVICES_<NAME>_URL for every service: all of its replicas, comma-separated.
std::map<std::string, std::string> service_urls(const std::vector<InstancePlan>& instances) {
  std::map<std::string, std::string> urls;
  for (const auto& i : instances) {
    if (i.is_gateway()) continue;
    auto& url = urls[fmt::format("SERVICES_{}_URL", hexa::Config::env_name(i.service))];
    url += (url.empty() ? "" : ",") + i.url();
  }
  return urls;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The store the active profiles give `service` (a later profile wins), if any: services
// without one keep their SQLite file in DATA_DIR. Replicas get the same URL: one store.
std::optional<std::string> store_url(const SystemSpec& spec, const std::string& profiles,
                                     const std::string& service) {
  std::optional<std::string> url;
  for (const auto& name : hexa::Config::parse_profiles(profiles)) {
    const auto profile = spec.profiles.find(name);
    if (profile == spec.profiles.end()) continue;
    if (const auto own = profile->second.stores.find(service); own != profile->second.stores.end())
      url = own->second;
    else if (profile->second.store)
      url = profile->second.store;
  }
  if (url) url = replace_all(replace_all(*url, "{system}", spec.name), "{service}", service);
  return url;
}

void add_environment(InstancePlan& i, const Plan& plan, const std::string& profiles,
                     const std::map<std::string, std::string>& urls,
                     const std::optional<std::string>& store, const std::map<std::string, std::string>& own,
                     const std::vector<EnvSetting>& user) {
  i.env = urls;
  for (const auto& [name, value] : own) i.env[name] = value;  // system.yaml's env of the service
  if (store) i.env["STORE_URL"] = *store;
  i.env["PROFILE"] = profiles;
  i.env["SERVER_PORT"] = std::to_string(i.port);
  i.env["SERVER_ADDRESS"] = "127.0.0.1";
  i.env["DATA_DIR"] = (plan.dir / i.service).string();  // shared by a service's replicas
  i.env["BUS_URL"] = "log:" + (plan.dir / "bus").string();
  i.env["INSTANCE_ID"] = i.instance;
  i.env["SYSTEM_NAME"] = plan.system;
  for (const auto& s : user) {  // all-instance values first, so a service's own value wins
    if (s.target.empty()) i.env[s.name] = s.value;
  }
  for (const auto& s : user) {
    if (s.target == i.service) i.env[s.name] = s.value;
  }
}

// build/bin/<system>-<service>, or the framework executable system.yaml names (hexa-auth).
std::string program_of(const SystemSpec& spec, const ServiceSpec& service) {
  return service.executable.empty() ? fmt::format("{}-{}", spec.name, service.name) : service.executable;
}

fs::path config_of(const ServiceSpec& service) {
  return service.config.empty() ? fs::path(service.name) / "application.yaml" : fs::path(service.config);
}

// The gateway serves the system's web front end, which the build puts in build/web/<system>
// (next to build/bin; see systems/CMakeLists.txt). No such folder: no front end.
std::map<std::string, std::string> gateway_env(const fs::path& bin, const SystemSpec& spec) {
  return {{"WEB_ROOT", (bin / ".." / "web" / spec.name).lexically_normal().string()}};
}

}  // namespace

std::string InstancePlan::url() const { return url_of(port); }

std::string profile_list(const std::string& profiles) {
  auto list = hexa::Config::parse_profiles(profiles);
  if (list.size() > 1) list.erase(list.begin());  // services add "default" themselves
  return fmt::format("{}", fmt::join(list, ","));
}

Plan make_plan(const SystemSpec& spec, const UpOptions& options, const fs::path& bin,
               const fs::path& data_root, const PortProbe& ports) {
  Plan plan{spec.name, data_root / spec.name, {}};
  std::vector<EnvSetting> user;
  for (const auto& text : options.env) user.push_back(parse_env(text, spec));
  const auto replicas = parse_replicas(options.replicas, spec);
  PortPlanner planner(spec, options.free_ports, ports);

  for (const auto& service : spec.services) {
    const auto it = replicas.find(service.name);
    const int count = it == replicas.end() ? 1 : it->second;
    std::uint16_t port = 0;
    for (int n = 1; n <= count; ++n) {
      port = n == 1 ? planner.first(service.port, service.name) : planner.next_after(port);
      const auto instance = fmt::format("{}-{}", service.name, n);
      plan.instances.push_back(InstancePlan{
          service.name, instance, port, bin / program_of(spec, service),
          {"--config", (spec.dir / config_of(service)).string()}, {}, plan.dir / "logs" / (instance + ".log"),
          service.liveness});
    }
  }
  if (spec.gateway) {
    plan.instances.push_back(InstancePlan{
        kGateway, kGateway, planner.first(spec.gateway->port, kGateway), bin / "hexa-gateway",
        {"--config", (spec.dir / spec.gateway->config).string()}, {},
        plan.dir / "logs" / "gateway.log", spec.liveness});
  }
  const auto urls = service_urls(plan.instances);
  const auto profiles = profile_list(options.profiles);
  for (auto& i : plan.instances) {
    const auto store = i.is_gateway() ? std::nullopt : store_url(spec, options.profiles, i.service);
    const ServiceSpec* service = i.is_gateway() ? nullptr : spec.find(i.service);
    add_environment(i, plan, profiles, urls, store, service ? service->env : gateway_env(bin, spec), user);
  }
  return plan;
}

}  // namespace hexa::launcher
