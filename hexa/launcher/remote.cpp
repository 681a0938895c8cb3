// `hexa stop`, `hexa start`, `hexa status`, `hexa prometheus`: talk to a running `hexa up` through the control
// API it announces in <data>/<system>/launcher.json.
#include <fmt/format.h>

#include <iostream>
#include <set>
#include <stdexcept>
#include <thread>

#include "hexa/launcher/commands.hpp"
#include "hexa/launcher/loopback_http.hpp"
#include "hexa/launcher/paths.hpp"
#include "hexa/launcher/prometheus.hpp"
#include "hexa/launcher/state_file.hpp"
#include "hexa/launcher/table.hpp"

namespace hexa::launcher {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr auto kCallTimeout = milliseconds(2000);
constexpr auto kStopDeadline = std::chrono::seconds(20);   // the launcher's grace is 10 s
constexpr auto kStartDeadline = std::chrono::seconds(30);  // as for `hexa up`
constexpr auto kRolloutDeadline = std::chrono::seconds(600);

struct Target {
  std::string system;
  std::string name;  // a service or an instance
};

Target parse_target(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) {
    throw std::runtime_error("expected <system>/<service> or <system>/<instance>, got '" + text + "'");
  }
  return {text.substr(0, slash), text.substr(slash + 1)};
}

std::optional<json> fetch_status(std::uint16_t port) {
  const auto answer = http_call(port, "GET", "/status", kCallTimeout);
  if (!answer || answer->status != 200) return std::nullopt;
  auto state = json::parse(answer->body, nullptr, false);
  if (state.is_discarded()) return std::nullopt;
  return state;
}

// The control port of the system's running launcher; throws saying why there is none.
std::uint16_t control_port(const fs::path& data, const std::string& system) {
  const auto file = state_file(data, system);
  const auto state = read_state(file);
  if (!state) throw std::runtime_error(fmt::format("{} is not running (no {})", system, file.string()));
  const auto port = state->value("control_port", std::uint16_t{0});
  if (!fetch_status(port)) {
    throw std::runtime_error(fmt::format("the launcher of {} (pid {}) does not answer; stale {}?",
                                         system, state->value("pid", 0), file.string()));
  }
  return port;
}

std::set<std::string> states_of(const json& state, const std::vector<std::string>& names) {
  std::set<std::string> states;
  auto consider = [&](const json& i) {
    if (!i.is_object()) return;
    if (std::ranges::find(names, i.value("instance", "")) != names.end()) {
      states.insert(i.value("state", ""));
    }
  };
  for (const auto& i : state.value("instances", json::array())) consider(i);
  if (state.contains("gateway")) consider(state["gateway"]);
  return states;
}

// Polls the launcher until every named instance is in `wanted`; the last state seen and
// whether it got there in time.
std::pair<json, bool> wait_for(std::uint16_t port, const std::vector<std::string>& names,
                               const std::string& wanted, std::chrono::seconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  json last;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto state = fetch_status(port)) {
      last = std::move(*state);
      if (states_of(last, names) == std::set<std::string>{wanted}) return {last, true};
    }
    std::this_thread::sleep_for(milliseconds(100));  // polling the launcher, with a deadline
  }
  return {last, false};
}

int command(const std::string& verb, const std::string& target_text, const DataDir& data,
            const std::string& wanted, std::chrono::seconds within) {
  const auto target = parse_target(target_text);
  const auto port = control_port(data_dir(data), target.system);
  const auto answer = http_call(port, "POST", "/" + verb + "/" + target.name, kCallTimeout);
  if (!answer) throw std::runtime_error("the launcher of " + target.system + " did not answer");
  const auto body = json::parse(answer->body, nullptr, false);
  if (answer->status != 202) {
    throw std::runtime_error(body.is_object() ? body.value("message", answer->body) : answer->body);
  }
  const auto names = body.value("instances", std::vector<std::string>{});
  const auto [state, done] = wait_for(port, names, wanted, within);
  std::cout << render_table(state);
  if (!done) {
    std::cerr << fmt::format("hexa: {} not all {} after {} s\n", target_text, wanted, within.count());
    return 1;
  }
  return 0;
}

std::vector<std::string> systems_with_launcher(const fs::path& data) {
  std::vector<std::string> systems;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    if (fs::exists(entry.path() / "launcher.json")) systems.push_back(entry.path().filename());
  }
  std::ranges::sort(systems);
  return systems;
}

}  // namespace

int run_stop(const std::string& target, const DataDir& data) {
  return command("stop", target, data, "stopped", kStopDeadline);
}

int run_start(const std::string& target, const DataDir& data) {
  return command("start", target, data, "ready", kStartDeadline);
}

int run_rollout(const std::string& target_text, bool gated, const DataDir& data) {
  const auto target = parse_target(target_text);
  const auto port = control_port(data_dir(data), target.system);
  const auto answer = http_call(port, "POST", "/rollout/" + target.name + (gated ? "" : "?gate=0"), kCallTimeout);
  if (!answer) throw std::runtime_error("the launcher of " + target.system + " did not answer");
  const auto body = json::parse(answer->body, nullptr, false);
  if (answer->status != 202)
    throw std::runtime_error(body.is_object() ? body.value("message", answer->body) : answer->body);
  const int id = body.value("rollout", 0);
  const auto deadline = std::chrono::steady_clock::now() + kRolloutDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto state = fetch_status(port);
    for (const char* key : {"rollout", "rollout_refused"}) {
      const auto& r = state && state->contains(key) ? (*state)[key] : json();
      if (!r.is_object() || r.value("id", 0) != id || r.value("state", "") == "running") continue;
      std::cout << render_table(*state) << r.value("message", "") << '\n';
      return r.value("state", "") == "done" ? 0 : 1;
    }
    std::this_thread::sleep_for(milliseconds(100));  // polling the launcher, with a deadline
  }
  std::cerr << fmt::format("hexa: rollout of {} not finished after {} s\n", target_text, kRolloutDeadline.count());
  return 1;
}

int run_status(const std::optional<std::string>& system, const DataDir& data) {
  const auto root = data_dir(data);
  const auto systems = system ? std::vector<std::string>{*system} : systems_with_launcher(root);
  if (systems.empty()) {
    std::cout << fmt::format("no system is running (no launcher.json under {})\n", root.string());
    return 0;
  }
  int code = 0;
  for (const auto& name : systems) {
    try {
      const auto port = control_port(root, name);
      const auto state = fetch_status(port).value_or(json::object());
      const auto usage = measure_usage(state);
      std::cout << fmt::format("{} (launcher pid {}, control http://127.0.0.1:{})\n", name,
                               state.value("pid", 0), port)
                << render_table(state, &usage) << '\n';
    } catch (const std::runtime_error& e) {
      std::cout << name << ": " << e.what() << "\n\n";
      code = 1;
    }
  }
  return code;
}

int run_prometheus(const std::string& system, const DataDir& data, const std::optional<std::filesystem::path>& out) {
  const auto state = fetch_status(control_port(data_dir(data), system)).value_or(json::object());
  const auto config = scrape_config(state, systems_dir().parent_path() / "deploy" / "prometheus" / "alerts.yml");
  if (!out) {
    std::cout << config;
    return 0;
  }
  write_atomically(*out, config);
  std::cout << fmt::format("wrote {}: prometheus --config.file={}\n", out->string(), out->string());
  return 0;
}

}  // namespace hexa::launcher
