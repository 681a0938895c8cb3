#include "hexa/launcher/autoscaler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "hexa/launcher/instances.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/runtime/process_metrics.hpp"

namespace hexa::launcher {
namespace {

using std::chrono::duration;

constexpr double kTolerance = 0.1;  // HPA's: within 10% of the target nothing changes
constexpr std::size_t kEventsKept = 20;

int number(const std::string& text, const std::string& whole) {
  std::size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (used == 0 || used != text.size()) throw std::runtime_error("--autoscale: '" + text + "' is not a number in '" + whole + "'");
  return n;
}

AutoscaleRule parse_one(const std::string& text, const SystemSpec& spec) {
  const auto eq = text.find('=');
  AutoscaleRule rule{text.substr(0, eq), {}};
  const ServiceSpec* service = spec.find(rule.service);
  if (!service) throw std::runtime_error("--autoscale: no service '" + rule.service + "' in " + spec.name);
  if (eq == std::string::npos) {
    if (!service->autoscale)
      throw std::runtime_error("--autoscale " + rule.service + ": system.yaml gives it no autoscale figures; say " +
                               rule.service + "=min:max:cpu");
    rule.bounds = *service->autoscale;
    return rule;
  }
  std::vector<std::string> parts;
  std::stringstream figures(text.substr(eq + 1));
  for (std::string part; std::getline(figures, part, ':');) parts.push_back(part);
  if (parts.size() != 3) throw std::runtime_error("--autoscale wants <service>=min:max:cpu, got '" + text + "'");
  rule.bounds = {number(parts[0], text), number(parts[1], text), number(parts[2], text)};
  const auto& b = rule.bounds;
  if (b.min < 1 || b.max < b.min || b.max > 64 || b.cpu_percent < 1 || b.cpu_percent > 100)
    throw std::runtime_error("--autoscale: needs 1 <= min <= max <= 64 and cpu 1..100, got '" + text + "'");
  return rule;
}

}  // namespace

std::vector<AutoscaleRule> parse_autoscale(const std::vector<std::string>& texts, const SystemSpec& spec) {
  std::vector<AutoscaleRule> rules;
  for (const auto& text : texts) {
    auto rule = parse_one(text, spec);
    for (const auto& other : rules)
      if (other.service == rule.service) throw std::runtime_error("--autoscale: " + rule.service + " given twice");
    rules.push_back(std::move(rule));
  }
  return rules;
}

int recommended_replicas(int current, double average_cpu, const Autoscale& bounds) {
  const double ratio = average_cpu / bounds.cpu_percent;
  int wanted = current;
  if (std::abs(ratio - 1.0) > kTolerance) wanted = static_cast<int>(std::ceil(current * ratio));
  return std::clamp(wanted, bounds.min, bounds.max);
}

Autoscaler::Autoscaler(AutoscaleRule rule, AutoscaleTiming timing, Supervisor& supervisor)
    : rule_(std::move(rule)),
      timing_(timing),
      supervisor_(supervisor),
      next_sample_(Clock::now() + timing_.period),
      settled_since_(Clock::now()) {
  notice("autoscaling {}: {}..{} instances at {}% CPU", rule_.service, rule_.bounds.min, rule_.bounds.max,
         rule_.bounds.cpu_percent);
}

std::vector<const Instance*> Autoscaler::serving() const {
  std::vector<const Instance*> found;
  for (const auto& i : supervisor_.instances())
    if (i.plan.service == rule_.service && i.wanted) found.push_back(&i);
  return found;
}

// Each ready instance's CPU since the last sample, averaged; nullopt until every one has two samples.
std::optional<double> Autoscaler::sample_average_cpu() {
  const auto now = Clock::now();
  double total = 0;
  int counted = 0;
  bool complete = true;
  std::map<std::string, std::pair<double, Clock::time_point>> seen;
  for (const Instance* i : serving()) {
    const auto used = i->state == State::Ready ? cpu_seconds(i->pid) : std::nullopt;
    if (!used) {
      complete = false;
      continue;
    }
    seen[i->plan.instance] = {*used, now};
    const auto last = last_cpu_.find(i->plan.instance);
    if (last == last_cpu_.end()) {
      complete = false;
      continue;
    }
    const double wall = duration<double>(now - last->second.second).count();
    total += wall > 0 ? 100.0 * (*used - last->second.first) / wall : 0;
    ++counted;
  }
  last_cpu_ = std::move(seen);
  if (!complete || counted == 0) return std::nullopt;
  return total / counted;
}

void Autoscaler::decide(double average_cpu) {
  const auto now = Clock::now();
  const int current = static_cast<int>(serving().size());
  average_cpu_ = average_cpu;
  recommendations_.emplace_back(now, recommended_replicas(current, average_cpu, rule_.bounds));
  while (recommendations_.front().first < now - timing_.downscale_window) recommendations_.pop_front();
  // Up on the latest recommendation; down only as far as the highest one of the window allows.
  const int latest = recommendations_.back().second;
  int highest = latest;
  for (const auto& [when, n] : recommendations_) highest = std::max(highest, n);
  const bool window_seen = now - settled_since_ >= timing_.downscale_window;
  recommended_ = latest > current ? latest : window_seen ? highest : current;
  if (recommended_ > current) return add_instance();
  if (recommended_ < current) return remove_instance();
}

void Autoscaler::add_instance() {
  const auto present = serving();
  auto plan = successor(supervisor_, present.front()->plan);
  changing_ = plan.instance;
  record(fmt::format("adding {} ({} -> {} at {:.0f}% CPU)", changing_, present.size(), present.size() + 1, average_cpu_));
  supervisor_.add(std::move(plan));
  phase_ = Phase::Adding;
}

void Autoscaler::remove_instance() {
  const auto present = serving();
  changing_ = present.back()->plan.instance;  // the newest
  record(fmt::format("removing {} ({} -> {} at {:.0f}% CPU)", changing_, present.size(), present.size() - 1, average_cpu_));
  if (const auto refused = route_to_instances(supervisor_, rule_.service, changing_)) {
    record("gave up removing " + changing_ + ": " + *refused);
    phase_ = Phase::Steady;
    return;
  }
  phase_ = Phase::Draining;
  due_ = Clock::now() + kDeregistrationDelay;
}

void Autoscaler::step() {
  const auto now = Clock::now();
  switch (phase_) {
    case Phase::Steady:
      if (now < next_sample_) return;
      next_sample_ = now + timing_.period;
      if (const auto average = sample_average_cpu()) decide(*average);
      return;
    case Phase::Adding: {
      const Instance* fresh = supervisor_.find(changing_);
      if (!fresh || fresh->state != State::Ready) return;  // the supervisor restarts one that dies
      if (const auto refused = route_to_instances(supervisor_, rule_.service)) record("the gateway refused: " + *refused);
      settled();
      return;
    }
    case Phase::Draining:
      if (now < due_) return;
      supervisor_.stop(changing_);
      phase_ = Phase::Removing;
      return;
    case Phase::Removing: {
      const Instance* old = supervisor_.find(changing_);
      if (old && old->state != State::Stopped) return;
      supervisor_.remove(changing_);
      last_cpu_.erase(changing_);
      settled();
      return;
    }
  }
}

// A new count: its recommendations start afresh, and it stays for a window before going down.
void Autoscaler::settled() {
  phase_ = Phase::Steady;
  recommendations_.clear();
  settled_since_ = Clock::now();
}

void Autoscaler::record(const std::string& what) {
  notice("autoscale: {}", what);
  events_.push_back({{"at", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count()},
                     {"what", what}});
  if (events_.size() > kEventsKept) events_.erase(events_.begin());
}

nlohmann::json Autoscaler::status() const {
  return {{"service", rule_.service},
          {"min", rule_.bounds.min},
          {"max", rule_.bounds.max},
          {"cpu", rule_.bounds.cpu_percent},
          {"replicas", serving().size()},
          {"average_cpu", std::round(average_cpu_ * 10) / 10},
          {"recommended", recommended_},
          {"events", events_}};
}

}  // namespace hexa::launcher
