#include "hexa/launcher/supervisor.hpp"

#include <signal.h>

#include <fmt/chrono.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>

#include "hexa/launcher/child_process.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/launcher/loopback_http.hpp"

namespace hexa::launcher {
namespace {

using std::chrono::milliseconds;

constexpr auto kStopGrace = std::chrono::seconds(10);
constexpr auto kProbeTimeout = milliseconds(300);
constexpr auto kFirstBackoff = milliseconds(500);
constexpr auto kMaxBackoff = milliseconds(10'000);
constexpr auto kStableAfter = milliseconds(10'000);  // ready this long: its crashes are forgotten
constexpr auto kSickGrace = milliseconds(2000);      // a sick instance's time to stop on SIGTERM

// One liveness check, on a thread of its own: a hung instance holds the thread for the timeout.
std::future<bool> check_alive(std::uint16_t port, milliseconds timeout) {
  return std::async(std::launch::async, [port, timeout] {
    const auto answer = http_call(port, "GET", "/actuator/health/liveness", timeout);
    return answer && answer->status == 200;
  });
}

// 0.5 s, 1 s, 2 s ... 10 s: a service that keeps crashing does not spin the machine.
milliseconds backoff(int crashes) {
  auto delay = kFirstBackoff;
  for (int n = 1; n < crashes && delay < kMaxBackoff; ++n) delay *= 2;
  return std::min(delay, kMaxBackoff);
}

// Services must say they are ready; the gateway counts once it answers at all, since its
// readiness rules are its own (it may wait for upstreams that are still starting).
bool ready_answer(const Instance& i, const HttpAnswer& answer) {
  return answer.status == 200 || i.plan.is_gateway();
}

// A line in the log before each start, so the lines of one run can be told from the last one's.
void mark_start(const Instance& i) {
  std::ofstream(i.plan.log, std::ios::app)
      << fmt::format("--- hexa: starting {} at {:%F %T} ---\n", i.plan.instance,
                     fmt::localtime(std::time(nullptr)));
}

}  // namespace

const char* to_string(State state) {
  switch (state) {
    case State::Starting: return "starting";
    case State::Ready: return "ready";
    case State::Stopping: return "stopping";
    case State::Stopped: return "stopped";
    case State::Restarting: return "restarting";
    case State::Exited: return "exited";
  }
  return "unknown";
}

bool matches(const InstancePlan& instance, const std::string& target) {
  return target == instance.service || target == instance.instance;
}

Supervisor::Supervisor(const Plan& plan, PortLeases& ports) : system_(plan.system), ports_(ports) {
  for (const auto& p : plan.instances) instances_.push_back(Instance{p});
}

std::uint16_t Supervisor::free_port() { return ports_.any_free(); }

Supervisor::~Supervisor() {
  if (std::ranges::any_of(instances_, [](const Instance& i) { return i.pid != 0; })) {
    stop_all(kStopGrace);
  }
}

void Supervisor::start_all() {
  for (auto& i : instances_) launch(i);
}

void Supervisor::launch(Instance& i) {
  mark_start(i);
  i.sick = false;
  i.liveness_failures = 0;
  i.liveness.reset();
  try {
    i.pid = spawn({i.plan.program, i.plan.args, i.plan.env, i.plan.log});
    i.state = State::Starting;
  } catch (const std::exception& e) {
    i.pid = 0;
    i.last_exit = e.what();
    i.state = healing_ ? State::Restarting : State::Exited;
    i.due = Clock::now() + backoff(++i.crashes);
    notice("{}: {}", i.plan.instance, e.what());
  }
}

void Supervisor::ended(Instance& i, int wait_status) {
  const pid_t pid = std::exchange(i.pid, 0);
  i.last_exit = describe_exit(wait_status);
  if (i.state == State::Stopping && (!i.sick || !i.wanted)) {
    notice("{} (pid {}) {}; {}", i.plan.instance, pid, i.last_exit, i.wanted ? "starting again" : "stopped");
    i.state = State::Stopped;
    if (i.wanted) launch(i);  // started again while it was stopping
  } else if (healing_ && i.wanted) {
    const auto delay = backoff(++i.crashes);
    notice("{} (pid {}) {} {}; restarting in {} ms", i.plan.instance, pid, i.last_exit,
           i.sick ? "after failing its liveness checks" : "unexpectedly", delay.count());
    i.state = State::Restarting;
    i.due = Clock::now() + delay;
  } else {
    notice("{} (pid {}) {}", i.plan.instance, pid, i.last_exit);
    i.state = State::Exited;
  }
}

bool Supervisor::probe(Instance& i) {
  if (i.state != State::Starting) return false;
  const auto answer = http_call(i.plan.port, "GET", "/actuator/health/readiness", kProbeTimeout);
  if (!answer || !ready_answer(i, *answer)) return false;
  if (i.crashes > 0) notice("{} (pid {}) is ready again", i.plan.instance, i.pid);
  i.state = State::Ready;
  i.ready_since = Clock::now();
  i.next_liveness = i.ready_since + i.plan.liveness.period;
  return true;
}

bool Supervisor::check_liveness(Instance& i, Clock::time_point now) {
  if (i.state == State::Ready && i.crashes > 0 && now - i.ready_since > kStableAfter) i.crashes = 0;
  if (i.state != State::Ready || !healing_ || !i.plan.liveness.checked()) return false;
  if (!i.liveness) {
    if (now >= i.next_liveness) i.liveness = check_alive(i.plan.port, i.plan.liveness.timeout);
    return false;
  }
  if (i.liveness->wait_for(milliseconds(0)) != std::future_status::ready) return false;
  const bool alive = i.liveness->get();
  i.liveness.reset();
  i.next_liveness = now + i.plan.liveness.period;
  if (alive) {
    i.liveness_failures = 0;
    return false;
  }
  if (++i.liveness_failures < i.plan.liveness.failure_threshold) return false;
  notice("{} (pid {}) failed {} liveness checks in a row; restarting it", i.plan.instance, i.pid,
         i.liveness_failures);
  i.sick = true;
  ::kill(i.pid, SIGTERM);
  i.state = State::Stopping;
  i.due = now + kSickGrace;
  return true;
}

bool Supervisor::act_when_due(Instance& i, Clock::time_point now) {
  if (now < i.due) return false;
  if (i.state == State::Restarting) {
    ++i.restarts;
    launch(i);
    return true;
  }
  if (i.state == State::Stopping && i.pid != 0) {
    notice("{} (pid {}) did not stop in time; killing it", i.plan.instance, i.pid);
    ::kill(i.pid, SIGKILL);
    i.due = Clock::time_point::max();  // once
  }
  return false;
}

bool Supervisor::tick() {
  bool changed = false;
  for (auto& i : instances_) {
    if (i.pid != 0) {
      if (const auto status = try_reap(i.pid)) {
        ended(i, *status);
        changed = true;
      }
    }
    changed |= act_when_due(i, Clock::now());
    changed |= probe(i);
    changed |= check_liveness(i, Clock::now());
  }
  return changed;
}

void Supervisor::request_stop(Instance& i) {
  i.wanted = false;
  if (i.pid != 0 && i.state != State::Stopping) {
    ::kill(i.pid, SIGTERM);
    i.state = State::Stopping;
    i.due = Clock::now() + kStopGrace;
  } else if (i.pid == 0) {
    i.state = State::Stopped;
  }
}

std::vector<std::string> Supervisor::stop(const std::string& target) {
  std::vector<std::string> names;
  for (auto& i : instances_) {
    if (!matches(i.plan, target)) continue;
    request_stop(i);
    names.push_back(i.plan.instance);
  }
  return names;
}

std::vector<std::string> Supervisor::start(const std::string& target) {
  std::vector<std::string> names;
  for (auto& i : instances_) {
    if (!matches(i.plan, target)) continue;
    i.wanted = true;
    if (i.state == State::Stopped || i.state == State::Exited) {
      i.crashes = 0;
      launch(i);
    }
    names.push_back(i.plan.instance);
  }
  return names;
}

void Supervisor::add(InstancePlan plan) {
  instances_.push_back(Instance{std::move(plan)});
  launch(instances_.back());
}

void Supervisor::remove(const std::string& instance) {
  std::erase_if(instances_, [&](const Instance& i) { return i.plan.instance == instance && i.pid == 0; });
}

Instance* Supervisor::find(const std::string& instance) {
  const auto it = std::ranges::find(instances_, instance, [](const Instance& i) { return i.plan.instance; });
  return it == instances_.end() ? nullptr : &*it;
}

void Supervisor::stop_all(milliseconds grace) {
  for (auto& i : instances_) request_stop(i);
  const auto deadline = Clock::now() + grace;
  auto running = [this] {
    return std::ranges::any_of(instances_, [](const Instance& i) { return i.pid != 0; });
  };
  while (running() && Clock::now() < deadline) {
    for (auto& i : instances_) {
      if (i.pid == 0) continue;
      if (const auto status = try_reap(i.pid)) ended(i, *status);
    }
    std::this_thread::sleep_for(milliseconds(20));  // polling children, not a test wait
  }
  for (auto& i : instances_) {
    if (i.pid == 0) continue;
    notice("{} (pid {}) did not stop within {} ms; killing it", i.plan.instance, i.pid, grace.count());
    ::kill(i.pid, SIGKILL);
    ended(i, reap(i.pid));
  }
}

bool Supervisor::all_ready() const {
  return std::ranges::all_of(instances_, [](const Instance& i) { return i.state == State::Ready; });
}

const Instance* Supervisor::first_exited() const {
  const auto it = std::ranges::find(instances_, State::Exited, &Instance::state);
  return it == instances_.end() ? nullptr : &*it;
}

}  // namespace hexa::launcher
