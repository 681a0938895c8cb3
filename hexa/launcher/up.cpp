// `hexa up`: start, wait for readiness, supervise, stop on a signal.
#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>

#include <deque>
#include <list>
#include <fstream>
#include <iostream>

#include "hexa/launcher/commands.hpp"
#include "hexa/launcher/control.hpp"
#include "hexa/launcher/kafka_profile.hpp"
#include "hexa/launcher/log.hpp"
#include "hexa/launcher/paths.hpp"
#include "hexa/launcher/autoscaler.hpp"
#include "hexa/launcher/rollout.hpp"
#include "hexa/launcher/state_file.hpp"
#include "hexa/launcher/store_servers.hpp"
#include "hexa/launcher/supervisor.hpp"
#include "hexa/launcher/table.hpp"

namespace hexa::launcher {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr auto kStartupDeadline = std::chrono::seconds(30);
constexpr auto kShutdownGrace = milliseconds(10'000);
constexpr auto kTick = milliseconds(100);

// Blocks SIGINT, SIGTERM and SIGCHLD for the whole process (created before any thread, whose
// masks inherit it) so the main loop takes them synchronously, with no handler and no races.
class BlockedSignals {
 public:
  BlockedSignals() {
    ::sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, SIGCHLD}) ::sigaddset(&set_, sig);
    ::pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~BlockedSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  // True when SIGINT or SIGTERM arrived within `timeout`; a SIGCHLD just ends the wait early.
  bool stop_requested(milliseconds timeout) {
    const timespec ts{0, static_cast<long>(std::chrono::nanoseconds(timeout).count())};
    const int sig = ::sigtimedwait(&set_, nullptr, &ts);
    return sig == SIGINT || sig == SIGTERM;
  }

 private:
  sigset_t set_{};
  sigset_t previous_{};
};

std::string last_lines(const fs::path& file, std::size_t count) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) lines.pop_front();
  }
  std::string out;
  for (const auto& line : lines) out += "  | " + line + "\n";
  return out;
}

// Fresh for every `hexa up`: only this launcher may change its gateway's instances.
std::string control_token() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string token;
  for (int n = 0; n < 16; ++n) token += fmt::format("{:02x}", static_cast<unsigned char>(random.get()));
  if (!random) throw std::runtime_error("cannot read /dev/urandom for the gateway's control token");
  return token;
}

void refuse_if_running(const fs::path& state_path, const std::string& system) {
  const auto state = read_state(state_path);
  if (!state) return;
  const int pid = state->value("pid", 0);
  const auto port = state->value("control_port", std::uint16_t{0});
  if (pid > 0 && ::kill(pid, 0) == 0 && http_call(port, "GET", "/status", milliseconds(1000))) {
    throw std::runtime_error(fmt::format(
        "{} is already running (launcher pid {}); see `hexa status {}`", system, pid, system));
  }
}

void prepare(const Plan& plan) {
  fs::create_directories(plan.dir / "logs");
  fs::create_directories(plan.dir / "bus");
  for (const auto& i : plan.instances) {
    fs::create_directories(plan.dir / i.service);
    if (!fs::exists(i.program)) {
      throw std::runtime_error(fmt::format("{}: executable {} not found (not built yet?)",
                                           i.instance, i.program.string()));
    }
  }
}

// One running `hexa up`: the supervisor plus what publishes its state.
class Launcher {
 public:
  Launcher(const Plan& plan, PortLeases& ports, std::vector<AutoscaleRule> autoscale, AutoscaleTiming timing)
      : supervisor_(plan, ports),
        state_path_(plan.dir / "launcher.json"),
        autoscale_rules_(std::move(autoscale)),
        autoscale_timing_(timing),
        server_(0, [this](std::string_view method, std::string_view target, const std::string&) {
          return control_.handle(method, target);
        }) {}

  ~Launcher() {
    std::error_code ignored;
    fs::remove(state_path_, ignored);  // nothing runs any more: nothing to find
  }
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  int run(BlockedSignals& signals) {
    supervisor_.start_all();
    publish();
    if (const auto outcome = wait_until_ready(signals); outcome != Startup::Ready) {
      return shut_down(outcome == Startup::Interrupted ? 0 : 1);
    }
    std::cout << render_table(snapshot(supervisor_, server_.port())) << std::flush;
    supervisor_.set_healing(true);
    for (auto& rule : autoscale_rules_) autoscalers_.emplace_back(std::move(rule), autoscale_timing_, supervisor_);
    while (!signals.stop_requested(kTick)) {
      obey_commands();
      supervisor_.tick();
      if (rollout_ && !rollout_->finished()) rollout_->step();
      for (auto& autoscaler : autoscalers_) autoscaler.step();
      publish();
    }
    return shut_down(0);
  }

 private:
  void publish() {
    auto state = snapshot(supervisor_, server_.port());
    state["rollout"] = rollout_ ? rollout_->status() : nlohmann::json();
    state["rollout_refused"] = refused_rollout_;
    state["autoscale"] = nlohmann::json::array();
    for (const auto& autoscaler : autoscalers_) state["autoscale"].push_back(autoscaler.status());
    auto text = state.dump(2);
    if (text == published_) return;
    write_atomically(state_path_, text);
    control_.publish(std::move(state));
    published_ = std::move(text);
  }

  enum class Startup { Ready, Failed, Interrupted };

  Startup wait_until_ready(BlockedSignals& signals) {
    const auto deadline = Clock::now() + kStartupDeadline;
    while (!supervisor_.all_ready()) {
      if (signals.stop_requested(kTick)) return Startup::Interrupted;
      supervisor_.tick();
      publish();
      if (const Instance* failed = supervisor_.first_exited()) {
        notice("{} failed during start-up ({}); last lines of {}:\n{}", failed->plan.instance,
               failed->last_exit, failed->plan.log.string(), last_lines(failed->plan.log, 20));
        return Startup::Failed;
      }
      if (Clock::now() > deadline) {
        report_not_ready();
        return Startup::Failed;
      }
    }
    return Startup::Ready;
  }

  void report_not_ready() const {
    for (const auto& i : supervisor_.instances()) {
      if (i.state == State::Ready) continue;
      notice("{} not ready after {} s ({}); last lines of {}:\n{}", i.plan.instance,
             kStartupDeadline.count(), to_string(i.state), i.plan.log.string(),
             last_lines(i.plan.log, 10));
    }
  }

  void obey_commands() {
    for (const auto& command : control_.take_commands()) {
      if (command.kind == Command::Kind::Rollout) {
        roll_out(command);
        continue;
      }
      const bool stop = command.kind == Command::Kind::Stop;
      const auto names = stop ? supervisor_.stop(command.target) : supervisor_.start(command.target);
      notice("{} {} on request ({})", stop ? "stopping" : "starting", command.target,
             fmt::join(names, ", "));
    }
  }

  void roll_out(const Command& command) {
    if (rollout_ && !rollout_->finished()) {
      refused_rollout_ = {{"id", command.rollout}, {"service", command.target}, {"state", "failed"},
                          {"message", "another rollout is running"}};
      return;
    }
    rollout_.emplace(RolloutRequest{command.rollout, command.target, command.gated}, supervisor_);
  }

  int shut_down(int code) {
    notice("stopping {}", supervisor_.system());
    supervisor_.stop_all(kShutdownGrace);
    publish();
    return code;
  }

  Supervisor supervisor_;
  fs::path state_path_;
  ControlState control_;
  std::string published_;
  std::optional<Rollout> rollout_;
  nlohmann::json refused_rollout_;  // the last rollout asked for while another ran
  std::vector<AutoscaleRule> autoscale_rules_;  // until the system is up
  AutoscaleTiming autoscale_timing_;
  std::list<Autoscaler> autoscalers_;  // they keep a reference to the supervisor: never moved
  LoopbackServer server_;  // last: its thread stops before the state it reads goes away
};

}  // namespace

int run_up(const UpOptions& options) {
  BlockedSignals signals;  // before any thread starts
  const auto spec = load_system(systems_dir(), options.system);
  PortLeases ports;  // the free ports handed out, held while this runs
  PortProbe probe;
  probe.any_free = [&ports] { return ports.any_free(); };
  auto plan = make_plan(spec, options, bin_dir(), data_dir(options.data_dir), probe);
  auto autoscale = parse_autoscale(options.autoscale, spec);
  const AutoscaleTiming timing{.downscale_window = std::chrono::seconds(options.autoscale_window_s)};
  refuse_if_running(plan.dir / "launcher.json", spec.name);
  prepare(plan);
  start_store_servers(local_store_servers(plan), db_dev_script(), plan.dir.parent_path(),
                      plan.dir / "logs" / "db-dev.log");
  use_kafka_profile(plan, spec, options.profiles);  // BUS_URL, and the dev broker if needed
  for (auto& i : plan.instances)
    if (i.is_gateway()) i.env["UPSTREAM_CONTROL_TOKEN"] = control_token();  // for rollouts, autoscaling
  Launcher launcher(plan, ports, std::move(autoscale), timing);
  return launcher.run(signals);
}

}  // namespace hexa::launcher
