#include "hexa/launcher/rollout.hpp"

#include <fmt/format.h>

#include "hexa/launcher/instances.hpp"
#include "hexa/launcher/log.hpp"

namespace hexa::launcher {
namespace {

using std::chrono::milliseconds;

constexpr auto kReadyDeadline = std::chrono::seconds(30);  // as `hexa up`

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
  if (const auto refused = route_to_instances(supervisor_, request_.service, old_[at_])) return fail(*refused);
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
