#include "hexa/launcher/instances.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "hexa/config/config.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/launcher/loopback_http.hpp"
#include "hexa/launcher/ports.hpp"

namespace hexa::launcher {
namespace {

constexpr auto kGatewayTimeout = std::chrono::milliseconds(3000);

int suffix_of(const std::string& instance) {
  const auto dash = instance.rfind('-');
  try {
    return dash == std::string::npos ? 0 : std::stoi(instance.substr(dash + 1));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

InstancePlan successor(Supervisor& supervisor, const InstancePlan& model) {
  int last = 0;
  for (const auto& i : supervisor.instances())
    if (i.plan.service == model.service) last = std::max(last, suffix_of(i.plan.instance));
  InstancePlan next = model;
  next.instance = fmt::format("{}-{}", model.service, last + 1);
  next.port = supervisor.free_port();
  next.log = model.log.parent_path() / (next.instance + ".log");
  next.env["INSTANCE_ID"] = next.instance;
  next.env["SERVER_PORT"] = std::to_string(next.port);
  return next;
}

std::optional<std::string> route_to_instances(Supervisor& supervisor, const std::string& service,
                                              const std::string& leaving) {
  std::vector<std::string> urls;
  for (const auto& i : supervisor.instances())
    if (i.plan.service == service && i.wanted && i.plan.instance != leaving) urls.push_back(i.plan.url());
  for (const auto& i : supervisor.instances()) {
    if (!i.plan.is_gateway()) continue;
    Instance* gateway = supervisor.find(i.plan.instance);
    gateway->plan.env[fmt::format("SERVICES_{}_URL", Config::env_name(service))] = fmt::format("{}", fmt::join(urls, ","));
    const auto token = gateway->plan.env.find("UPSTREAM_CONTROL_TOKEN");
    const auto answer = http_call(gateway->plan.port, "PUT", "/actuator/upstreams/" + service, kGatewayTimeout,
                                  nlohmann::json{{"urls", urls}}.dump(),
                                  {{"X-Hexa-Control-Token", token == gateway->plan.env.end() ? "" : token->second}});
    if (!answer || answer->status != 200)
      return fmt::format("the gateway did not take the new instances ({})",
                         answer ? std::to_string(answer->status) + " " + answer->body : "no answer");
    notice("the gateway now sends {} to {}", service, fmt::join(urls, ", "));
  }
  return std::nullopt;
}

}  // namespace hexa::launcher
