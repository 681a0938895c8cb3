#include "hexa/launcher/rollout.hpp"

#include <fmt/format.h>

#include "hexa/config/config.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/launcher/loopback_http.hpp"
#include "hexa/launcher/ports.hpp"

namespace hexa::launcher {
namespace {

using std::chrono::milliseconds;

constexpr auto kReadyDeadline = std::chrono::seconds(30);  // as `hexa up`
constexpr auto kGatewayTimeout = milliseconds(3000);
// After the gateway's answer no new request goes to the old instance; one it had just picked
// may still be on its way.
constexpr auto kDeregistrationDelay = milliseconds(500);

int suffix_of(const std::string& instance) {
  const auto dash = instance.rfind('-');
  try {
    return dash == std::string::npos ? 0 : std::stoi(instance.substr(dash + 1));
  } catch (const std::exception&) {
    return 0;
  }
}

// The old instance's plan on a fresh port and the next free number: "contract-1" -> "contract-2".
InstancePlan successor(const Supervisor& supervisor, const InstancePlan& old) {
  int last = 0;
  for (const auto& i : supervisor.instances())
    if (i.plan.service == old.service) last = std::max(last, suffix_of(i.plan.instance));
  InstancePlan next = old;
  next.instance = fmt::format("{}-{}", old.service, last + 1);
  next.port = any_free_port();
  next.log = old.log.parent_path() / (next.instance + ".log");
  next.env["INSTANCE_ID"] = next.instance;
  next.env["SERVER_PORT"] = std::to_string(next.port);
  return next;
}

}  // namespace

Rollout::Rollout(RolloutRequest request, Supervisor& supervisor)
    : request_(std::move(request)), supervisor_(supervisor) {
  for (const auto& i : supervisor_.instances())
    if (i.plan.service == request_.service && !i.plan.is_gateway() && i.wanted) old_.push_back(i.plan.instance);
  notice("rolling out {} ({} instance{}, {})", request_.service, old_.size(), old_.size() == 1 ? "" : "s",
         request_.gated ? "readiness-gated" : "without readiness gating");
  start_next();
}

void Rollout::start_next() {
  if (at_ == old_.size()) {
    phase_ = Phase::Done;
    message_ = fmt::format("{} rolled out: {} instance{} replaced", request_.service, replaced_.size(),
                           replaced_.size() == 1 ? "" : "s");
    notice("{}", message_);
    return;
  }
  const Instance* old = supervisor_.find(old_[at_]);
  if (!old) return fail(old_[at_] + " is gone");
  auto plan = successor(supervisor_, old->plan);
  new_ = plan.instance;
  notice("rollout: starting {} on port {} to replace {}", new_, plan.port, old_[at_]);
  supervisor_.add(std::move(plan));
  phase_ = Phase::Starting;
  due_ = Clock::now() + kReadyDeadline;
  if (!request_.gated) switch_gateway();
}

// The gateway's list: the service's wanted instances but the one being replaced.
void Rollout::switch_gateway() {
  std::vector<std::string> urls;
  for (const auto& i : supervisor_.instances())
    if (i.plan.service == request_.service && i.wanted && i.plan.instance != old_[at_]) urls.push_back(i.plan.url());
  for (const auto& i : supervisor_.instances()) {
    if (!i.plan.is_gateway()) continue;
    Instance* gateway = supervisor_.find(i.plan.instance);
    gateway->plan.env[fmt::format("SERVICES_{}_URL", Config::env_name(request_.service))] = fmt::format("{}", fmt::join(urls, ","));
    const auto token = gateway->plan.env.find("UPSTREAM_CONTROL_TOKEN");
    const auto answer = http_call(gateway->plan.port, "PUT", "/actuator/upstreams/" + request_.service, kGatewayTimeout,
                                  nlohmann::json{{"urls", urls}}.dump(),
                                  {{"X-Hexa-Control-Token", token == gateway->plan.env.end() ? "" : token->second}});
    if (!answer || answer->status != 200)
      return fail(fmt::format("the gateway did not take the new instances ({})",
                              answer ? std::to_string(answer->status) + " " + answer->body : "no answer"));
    notice("rollout: the gateway now sends {} to {}", request_.service, fmt::join(urls, ", "));
  }
  phase_ = Phase::Draining;
  due_ = Clock::now() + (request_.gated ? kDeregistrationDelay : milliseconds(0));
}

void Rollout::fail(const std::string& why) {
  message_ = fmt::format("rollout of {} stopped: {}", request_.service, why);
  notice("{}", message_);
  if (!new_.empty() && supervisor_.find(new_)) {
    supervisor_.stop(new_);
    phase_ = Phase::CleaningUp;
  } else {
    phase_ = Phase::Failed;
  }
}

void Rollout::step() {
  const auto now = Clock::now();
  switch (phase_) {
    case Phase::Starting: {
      const Instance* fresh = supervisor_.find(new_);
      if (fresh && fresh->state == State::Ready) return switch_gateway();
      if (!fresh || now > due_) return fail(fmt::format("{} not ready within {} s", new_, kReadyDeadline.count()));
      return;
    }
    case Phase::Draining:
      if (now < due_) return;
      supervisor_.stop(old_[at_]);
      phase_ = Phase::Stopping;
      return;
    case Phase::Stopping: {
      const Instance* old = supervisor_.find(old_[at_]);
      if (old && old->state != State::Stopped) return;
      supervisor_.remove(old_[at_]);
      replaced_.emplace_back(old_[at_], new_);
      ++at_;
      new_.clear();
      return start_next();
    }
    case Phase::CleaningUp: {
      const Instance* fresh = supervisor_.find(new_);
      if (fresh && fresh->state != State::Stopped) return;
      supervisor_.remove(new_);
      phase_ = Phase::Failed;
      return;
    }
    case Phase::Done:
    case Phase::Failed: return;
  }
}

nlohmann::json Rollout::status() const {
  const char* state = phase_ == Phase::Done ? "done" : phase_ == Phase::Failed ? "failed" : "running";
  return {{"id", request_.id},      {"service", request_.service}, {"gated", request_.gated},
          {"state", state},         {"replaced", replaced_},       {"message", message_}};
}

}  // namespace hexa::launcher
