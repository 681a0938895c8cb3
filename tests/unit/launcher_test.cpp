// The launcher as a user runs it: `hexa up` on a small system of fake services (real
// processes on loopback, free ports), then `hexa stop/start/status`, kill -9 and SIGTERM.
// Needs build/bin/hexa and build/bin/fake_service next to this test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "hexa/launcher/child_process.hpp"
#include "hexa/launcher/loopback_http.hpp"
#include "hexa/launcher/plan.hpp"
#include "hexa/launcher/ports.hpp"
#include "hexa/launcher/state_file.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace hl = hexa::launcher;

bool process_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

std::string read_file(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The test's own children (`hexa up`, `hexa stop` ...), reaped here: the exit code once ended.
std::optional<int> exit_code_of(pid_t pid) {
  const auto status = hl::try_reap(pid);
  if (!status) return std::nullopt;
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

json env_of(std::uint16_t port, const std::string& what = "/env") {
  const auto answer = hl::http_call(port, "GET", what, milliseconds(2000));
  if (!answer || answer->status != 200) return json();
  return json::parse(answer->body);
}

class Launcher : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path build_bin = fs::read_symlink("/proc/self/exe").parent_path();
    hexa_ = build_bin / "hexa";
    const auto fake = build_bin / "fake_service";
    ASSERT_TRUE(fs::exists(hexa_) && fs::exists(fake)) << "build hexa-launcher and fake_service";
    std::string pattern = (fs::temp_directory_path() / "hexa-launcher-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    write_system();
    fs::create_directories(root_ / "bin");
    // The launcher runs <bin>/<system>-<service> and <bin>/hexa-gateway; HEXA_BIN_DIR points it here.
    for (const char* name : {"fake-alpha", "fake-beta", "hexa-gateway"}) {
      fs::create_symlink(fake, root_ / "bin" / name);
    }
  }

  void TearDown() override {
    if (up_pid_ > 0 && !exit_code_of(up_pid_)) {
      ::kill(up_pid_, SIGTERM);
      if (!eventually([&] { return exit_code_of(up_pid_).has_value(); }, milliseconds(15'000))) {
        ::kill(up_pid_, SIGKILL);
        hl::reap(up_pid_);
      }
    }
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  void write_system() {
    const auto dir = root_ / "systems" / "fake";
    fs::create_directories(dir / "alpha");
    fs::create_directories(dir / "beta");
    std::ofstream(dir / "system.yaml") << "system: fake\n"
                                          "services:\n"
                                          "  alpha: {port: 18181}\n"
                                          "  beta: {port: 18182}\n"
                                          "gateway:\n"
                                          "  port: 18188\n"
                                          "  config: gateway.yaml\n";
  }

  std::map<std::string, std::string> environment() const {
    return {{"HEXA_SYSTEMS_DIR", (root_ / "systems").string()},
            {"HEXA_BIN_DIR", (root_ / "bin").string()},
            {"HEXA_DATA_DIR", data().string()}};
  }
  fs::path data() const { return root_ / "data"; }
  fs::path state_path() const { return data() / "fake" / "launcher.json"; }
  std::string up_output() const { return read_file(root_ / "up.out"); }

  // `hexa up fake --free-ports <extra>` in the background, its output in up.out.
  void up(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"up", "fake", "--free-ports"};
    args.insert(args.end(), extra.begin(), extra.end());
    up_pid_ = hl::spawn({hexa_, args, environment(), root_ / "up.out"});
  }

  // launcher.json once every instance and the gateway are ready.
  json wait_until_ready() {
    return wait_for_state(
        [](const json& s) {
          bool ready = s["gateway"].value("state", "") == "ready";
          for (const auto& i : s["instances"]) ready = ready && i["state"] == "ready";
          return ready;
        },
        "every instance ready");
  }

  json wait_for_state(const std::function<bool(const json&)>& condition, const std::string& what) {
    json last;
    const bool reached = eventually(
        [&] {
          auto state = hl::read_state(state_path());
          if (!state) return false;
          last = *state;
          return condition(last);
        },
        milliseconds(30'000));
    EXPECT_TRUE(reached) << "waiting for " << what << "; last launcher.json:\n"
                         << last.dump(2) << "\nhexa up said:\n"
                         << up_output();
    return last;
  }

  struct Run {
    int code = -1;
    std::string output;
  };
  // Runs `hexa <args>` to the end.
  Run hexa(const std::vector<std::string>& args) {
    const auto out = root_ / ("cli-" + std::to_string(++cli_runs_) + ".out");
    const pid_t pid = hl::spawn({hexa_, args, environment(), out});
    std::optional<int> code;
    if (!eventually([&] { return (code = exit_code_of(pid)).has_value(); }, milliseconds(60'000))) {
      ::kill(pid, SIGKILL);
      hl::reap(pid);
    }
    return {code.value_or(-1), read_file(out)};
  }

  static const json& instance(const json& state, const std::string& name) {
    for (const auto& i : state["instances"]) {
      if (i["instance"] == name) return i;
    }
    if (state["gateway"].value("instance", "") == name) return state["gateway"];
    static const json none = json::object();
    return none;
  }

  fs::path root_;
  fs::path hexa_;
  pid_t up_pid_ = -1;
  int cli_runs_ = 0;
};

TEST_F(Launcher, UpStartsEveryInstanceAndPublishesThem) {
  up({"--replicas", "beta=2"});
  const auto state = wait_until_ready();

  std::vector<std::string> names;
  std::set<int> ports;
  for (const auto& i : state["instances"]) {
    names.push_back(i["instance"]);
    ports.insert(i["port"].get<int>());
    EXPECT_FALSE(process_gone(i["pid"].get<pid_t>())) << i.dump();
    EXPECT_EQ(i["url"], "http://127.0.0.1:" + std::to_string(i["port"].get<int>()));
    const auto ready = hl::http_call(i["port"], "GET", "/actuator/health/readiness", milliseconds(2000));
    EXPECT_TRUE(ready && ready->status == 200) << i.dump();
  }
  EXPECT_THAT(names, ::testing::ElementsAre("alpha-1", "beta-1", "beta-2"));
  ports.insert(state["gateway"]["port"].get<int>());
  EXPECT_EQ(ports.size(), 4u) << "every instance has its own port";
  EXPECT_EQ(state["system"], "fake");
  EXPECT_EQ(state["pid"], up_pid_);

  // The table, once everything is ready, names every instance with its URL, and the gateway.
  ASSERT_TRUE(eventually([&] { return up_output().find("gateway: http") != std::string::npos; },
                         milliseconds(5000)));
  const auto table = up_output();
  for (const auto& i : state["instances"]) {
    EXPECT_THAT(table, HasSubstr(i["instance"].get<std::string>()));
    EXPECT_THAT(table, HasSubstr(i["url"].get<std::string>()));
  }
  EXPECT_THAT(table, HasSubstr("gateway: " + state["gateway"]["url"].get<std::string>()));

  const auto status = hexa({"status", "fake"});
  EXPECT_EQ(status.code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("beta-2"));
  EXPECT_THAT(status.output, HasSubstr(instance(state, "beta-2")["url"].get<std::string>()));
  EXPECT_THAT(status.output, HasSubstr("ready"));
}

TEST_F(Launcher, ServicesGetTheirAddressesDataAndUserEnvironment) {
  up({"--replicas", "beta=2", "--profile", "dev, test", "--env", "alpha:GREETING=hello",
      "--env", "COMMON=shared=yes"});
  const auto state = wait_until_ready();
  const auto port = [&](const std::string& name) { return instance(state, name)["port"].get<int>(); };
  const auto url = [&](const std::string& name) { return instance(state, name)["url"].get<std::string>(); };

  const auto alpha = env_of(port("alpha-1"));
  ASSERT_TRUE(alpha.is_object());
  EXPECT_EQ(alpha["SERVER_PORT"], std::to_string(port("alpha-1")));
  EXPECT_EQ(alpha["SERVER_ADDRESS"], "127.0.0.1");
  EXPECT_EQ(alpha["INSTANCE_ID"], "alpha-1");
  EXPECT_EQ(alpha["SYSTEM_NAME"], "fake");
  EXPECT_EQ(alpha["PROFILE"], "dev,test");
  EXPECT_EQ(alpha["DATA_DIR"], (data() / "fake" / "alpha").string());
  EXPECT_EQ(alpha["BUS_URL"], "log:" + (data() / "fake" / "bus").string());
  EXPECT_EQ(alpha["SERVICES_ALPHA_URL"], url("alpha-1"));
  EXPECT_EQ(alpha["SERVICES_BETA_URL"], url("beta-1") + "," + url("beta-2"));
  EXPECT_EQ(alpha["GREETING"], "hello");
  EXPECT_EQ(alpha["COMMON"], "shared=yes");
  EXPECT_EQ(env_of(port("alpha-1"), "/args"),
            json({"--config", (root_ / "systems/fake/alpha/application.yaml").string()}));

  const auto beta2 = env_of(port("beta-2"));
  ASSERT_TRUE(beta2.is_object());
  EXPECT_EQ(beta2["INSTANCE_ID"], "beta-2");
  EXPECT_EQ(beta2["DATA_DIR"], (data() / "fake" / "beta").string()) << "replicas share their service's data";
  EXPECT_EQ(beta2["SERVICES_BETA_URL"], url("beta-1") + "," + url("beta-2"));
  EXPECT_FALSE(beta2.contains("GREETING")) << "alpha:GREETING is for alpha only";
  EXPECT_EQ(beta2["COMMON"], "shared=yes");

  const auto gateway_port = state["gateway"]["port"].get<int>();
  const auto gateway = env_of(gateway_port);
  ASSERT_TRUE(gateway.is_object());
  EXPECT_EQ(gateway["SERVER_PORT"], std::to_string(gateway_port));
  EXPECT_EQ(gateway["SERVICES_ALPHA_URL"], url("alpha-1"));
  EXPECT_EQ(gateway["SERVICES_BETA_URL"], url("beta-1") + "," + url("beta-2"));
  EXPECT_EQ(env_of(gateway_port, "/args"),
            json({"--config", (root_ / "systems/fake/gateway.yaml").string()}));
  EXPECT_TRUE(fs::exists(data() / "fake" / "logs" / "beta-2.log"));
}

TEST_F(Launcher, StopAndStartAServiceKeepsItsPorts) {
  up({"--replicas", "beta=2"});
  const auto before = wait_until_ready();
  const auto old_beta1 = instance(before, "beta-1");
  const auto old_beta2 = instance(before, "beta-2");

  const auto stop = hexa({"stop", "fake/beta"});
  ASSERT_EQ(stop.code, 0) << stop.output;
  auto state = *hl::read_state(state_path());
  EXPECT_EQ(instance(state, "beta-1")["state"], "stopped");
  EXPECT_EQ(instance(state, "beta-2")["state"], "stopped");
  EXPECT_TRUE(process_gone(old_beta1["pid"].get<pid_t>()));
  EXPECT_TRUE(process_gone(old_beta2["pid"].get<pid_t>()));
  EXPECT_EQ(instance(state, "alpha-1"), instance(before, "alpha-1")) << "other services untouched";
  EXPECT_FALSE(hl::http_call(old_beta1["port"], "GET", "/env", milliseconds(500)));

  const auto start = hexa({"start", "fake/beta"});
  ASSERT_EQ(start.code, 0) << start.output;
  state = *hl::read_state(state_path());
  for (const auto& old : {old_beta1, old_beta2}) {
    const auto& now = instance(state, old["instance"]);
    EXPECT_EQ(now["state"], "ready");
    EXPECT_EQ(now["port"], old["port"]) << "same port after start";
    EXPECT_NE(now["pid"], old["pid"]);
    EXPECT_EQ(env_of(now["port"])["INSTANCE_ID"], old["instance"]);
  }
}

TEST_F(Launcher, AStoppedInstanceIsNotHealedButAKilledOneIs) {
  up({"--replicas", "beta=2"});
  const auto before = wait_until_ready();

  const auto stop = hexa({"stop", "fake/beta-2"});
  ASSERT_EQ(stop.code, 0) << stop.output;
  EXPECT_EQ(instance(*hl::read_state(state_path()), "beta-1")["state"], "ready");

  const auto killed = instance(before, "alpha-1");
  ASSERT_EQ(::kill(killed["pid"].get<pid_t>(), SIGKILL), 0);
  const auto healed = wait_for_state(
      [&](const json& s) {
        const auto& a = instance(s, "alpha-1");
        return a["state"] == "ready" && a["pid"] != killed["pid"];
      },
      "alpha-1 restarted");
  EXPECT_TRUE(process_gone(killed["pid"].get<pid_t>()));
  EXPECT_EQ(instance(healed, "alpha-1")["port"], killed["port"]);
  EXPECT_EQ(env_of(killed["port"])["INSTANCE_ID"], "alpha-1");
  EXPECT_THAT(up_output(), HasSubstr("alpha-1"));
  EXPECT_THAT(up_output(), HasSubstr("restarting"));
  // alpha-1 waited out its backoff and came back meanwhile; the stopped beta-2 did not.
  EXPECT_EQ(instance(healed, "beta-2")["state"], "stopped");
  EXPECT_EQ(instance(healed, "beta-2")["pid"], 0);

  const auto start = hexa({"start", "fake/beta-2"});
  EXPECT_EQ(start.code, 0) << start.output;
}

TEST_F(Launcher, SigtermStopsEveryChildAndExitsZero) {
  up({"--replicas", "beta=2"});
  const auto state = wait_until_ready();
  std::vector<pid_t> children{state["gateway"]["pid"].get<pid_t>()};
  for (const auto& i : state["instances"]) children.push_back(i["pid"].get<pid_t>());

  ASSERT_EQ(::kill(up_pid_, SIGTERM), 0);
  std::optional<int> code;
  ASSERT_TRUE(eventually([&] { return (code = exit_code_of(up_pid_)).has_value(); }, milliseconds(20'000)))
      << up_output();
  EXPECT_EQ(*code, 0) << up_output();
  for (const pid_t pid : children) EXPECT_TRUE(process_gone(pid)) << "pid " << pid;
  EXPECT_FALSE(fs::exists(state_path())) << "a stopped launcher leaves nothing to find";

  const auto status = hexa({"status", "fake"});
  EXPECT_NE(status.code, 0);
  EXPECT_THAT(status.output, HasSubstr("not running"));
}

TEST_F(Launcher, AServiceFailingAtStartFailsUpAndStopsTheOthers) {
  up({"--env", "beta:FAKE_FAIL_AT_START=1"});
  std::optional<int> code;
  ASSERT_TRUE(eventually([&] { return (code = exit_code_of(up_pid_)).has_value(); }, milliseconds(30'000)))
      << up_output();
  EXPECT_NE(*code, 0);
  EXPECT_THAT(up_output(), HasSubstr("beta-1"));
  EXPECT_THAT(up_output(), HasSubstr("failing at start")) << "the log's last lines are shown";

  // The launcher reports each child it stops; alpha-1 must be among them, and gone.
  std::smatch stopped;
  const auto output = up_output();
  ASSERT_TRUE(std::regex_search(output, stopped, std::regex(R"(alpha-1 \(pid (\d+)\).*stopped)")))
      << output;
  EXPECT_TRUE(process_gone(std::stoi(stopped[1])));
  EXPECT_FALSE(fs::exists(state_path()));
}

// kubelet's livenessProbe on one machine: checks every 0.5 s, three failures restart it.
constexpr const char* kQuickLiveness = "liveness: {period-s: 0.5, failure-threshold: 3, timeout-ms: 300}\n";

// A sick instance (liveness DOWN, then a hung event loop) is replaced by a ready one, on its
// port, in about period x threshold (plus the stop grace when it cannot even stop).
TEST_F(Launcher, ASickInstanceIsRestartedAfterItsLivenessFailures) {
  std::ofstream(root_ / "systems" / "fake" / "system.yaml", std::ios::app) << kQuickLiveness;
  up();
  auto state = wait_until_ready();
  for (const std::string sickness : {"fail", "hang"}) {
    const auto sick = instance(state, "alpha-1");
    const auto began = std::chrono::steady_clock::now();
    hl::http_call(sick["port"], "GET", "/sick/" + sickness, milliseconds(200));  // a hang never answers
    state = wait_for_state(
        [&](const json& s) {
          const auto& a = instance(s, "alpha-1");
          return a["state"] == "ready" && a["pid"] != sick["pid"];
        },
        "alpha-1 replaced after /sick/" + sickness);
    const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - began);
    std::cout << "sick (" << sickness << ") to a ready replacement: " << took.count() << " ms\n";
    RecordProperty("replacement_ms_" + sickness, static_cast<int>(took.count()));
    EXPECT_GE(took, milliseconds(1000)) << "not before 3 checks 0.5 s apart failed";
    EXPECT_LT(took, milliseconds(12000));
    EXPECT_TRUE(eventually([&] { return process_gone(sick["pid"].get<pid_t>()); }, milliseconds(5000)));
    EXPECT_EQ(env_of(sick["port"])["INSTANCE_ID"], "alpha-1") << "the replacement serves on its port";
    EXPECT_EQ(instance(state, "beta-1")["restarts"], 0) << "the healthy one is left alone";
  }
  EXPECT_EQ(instance(state, "alpha-1")["restarts"], 2);
  EXPECT_THAT(up_output(), HasSubstr("failed 3 liveness checks in a row"));
  const auto status = hexa({"status", "fake"});
  EXPECT_THAT(status.output, HasSubstr("RESTARTS"));
  EXPECT_THAT(status.output, ::testing::ContainsRegex("alpha-1 .* ready +2"));
}

// Sick again at every start: each restart waits twice as long as the last, as kubelet's
// CrashLoopBackOff; being ready for a moment does not reset it.
TEST_F(Launcher, AnInstanceSickAtEveryStartBacksOff) {
  std::ofstream(root_ / "systems" / "fake" / "system.yaml", std::ios::app) << kQuickLiveness;
  up({"--env", "alpha:FAKE_LIVENESS=down"});
  wait_until_ready();
  wait_for_state([](const json& s) { return instance(s, "alpha-1").value("restarts", 0) >= 3; },
                 "alpha-1 restarted three times");
  const auto output = up_output();
  const std::regex notice(R"(alpha-1 \(pid \d+\) .* after failing its liveness checks; restarting in (\d+) ms)");
  std::vector<int> delays;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), notice); it != std::sregex_iterator(); ++it)
    delays.push_back(std::stoi((*it)[1]));
  ASSERT_GE(delays.size(), 3u) << output;
  EXPECT_THAT(std::vector<int>(delays.begin(), delays.begin() + 3), ::testing::ElementsAre(500, 1000, 2000));
}

// `hexa rollout`: each instance replaced by a new one on a new port, the gateway told of
// the new list, the old ones stopped; the other service untouched.
TEST_F(Launcher, ARolloutReplacesEachInstanceAndTellsTheGateway) {
  up({"--replicas", "beta=2"});
  const auto before = wait_until_ready();
  const auto gateway_port = before["gateway"]["port"].get<int>();
  EXPECT_EQ(env_of(gateway_port)["UPSTREAM_CONTROL_TOKEN"].get<std::string>().size(), 32u);

  const auto rollout = hexa({"rollout", "fake/beta"});
  ASSERT_EQ(rollout.code, 0) << rollout.output << up_output();
  EXPECT_THAT(rollout.output, HasSubstr("beta rolled out: 2 instances replaced"));
  const auto after = *hl::read_state(state_path());
  std::vector<std::string> names;
  for (const auto& i : after["instances"]) names.push_back(i["instance"]);
  EXPECT_THAT(names, ::testing::ElementsAre("alpha-1", "beta-3", "beta-4"));
  for (const char* name : {"beta-1", "beta-2"})
    EXPECT_TRUE(process_gone(instance(before, name)["pid"].get<pid_t>())) << name;
  for (const char* name : {"beta-3", "beta-4"}) {
    EXPECT_EQ(instance(after, name)["state"], "ready");
    EXPECT_EQ(env_of(instance(after, name)["port"])["INSTANCE_ID"], name);
  }
  EXPECT_EQ(instance(after, "alpha-1"), instance(before, "alpha-1"));
  EXPECT_EQ(env_of(gateway_port, "/upstreams")["beta"]["urls"],
            json({instance(after, "beta-3")["url"], instance(after, "beta-4")["url"]}));
  EXPECT_EQ(after["rollout"]["replaced"], json::array({json::array({"beta-1", "beta-3"}), json::array({"beta-2", "beta-4"})}));

  const auto unknown = hexa({"rollout", "fake/nope"});
  EXPECT_NE(unknown.code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("nope"));
  const auto ungated = hexa({"rollout", "fake/alpha", "--no-readiness-gate"});
  EXPECT_EQ(ungated.code, 0) << ungated.output;
  EXPECT_EQ(instance(*hl::read_state(state_path()), "alpha-2")["service"], "alpha");
}

// `--autoscale`: a busy instance brings a second one into the gateway's rotation; once idle for
// the stabilisation window, the newest leaves it and stops.
TEST_F(Launcher, AutoscalingAddsAnInstanceUnderLoadAndRemovesItWhenIdle) {
  up({"--autoscale", "beta=1:2:30", "--autoscale-window", "2"});
  const auto before = wait_until_ready();
  const auto gateway_port = before["gateway"]["port"].get<int>();
  ASSERT_EQ(env_of(instance(before, "beta-1")["port"], "/busy/on")["busy"], "on");
  const auto scaled = wait_for_state(
      [](const json& s) { return instance(s, "beta-2").value("state", "") == "ready" && s["autoscale"][0]["replicas"] == 2; },
      "beta-2 added");
  EXPECT_TRUE(eventually([&] { return env_of(gateway_port, "/upstreams")["beta"]["urls"].size() == 2; }, seconds(10)))
      << env_of(gateway_port, "/upstreams").dump() << up_output();
  EXPECT_GE(scaled["autoscale"][0]["average_cpu"].get<double>(), 30.0) << scaled.dump(2);

  ASSERT_EQ(env_of(instance(before, "beta-1")["port"], "/busy/off")["busy"], "off");
  const auto calm = wait_for_state(
      [](const json& s) { return s["autoscale"][0]["replicas"] == 1 && instance(s, "beta-2").empty(); }, "beta-2 removed");
  EXPECT_EQ(env_of(gateway_port, "/upstreams")["beta"]["urls"], json({instance(calm, "beta-1")["url"]}));
  EXPECT_TRUE(process_gone(instance(scaled, "beta-2")["pid"].get<pid_t>()));
  EXPECT_THAT(calm["autoscale"][0]["events"].dump(), HasSubstr("removing beta-2"));
  EXPECT_EQ(instance(calm, "alpha-1"), instance(before, "alpha-1"));  // the other service untouched
}

TEST_F(Launcher, AutoscaleFiguresAreChecked) {
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--autoscale", "nope=1:2:30"}, "no service 'nope'"},
           {{"--autoscale", "beta=2:1:30"}, "min <= max"},
           {{"--autoscale", "beta=1:2"}, "min:max:cpu"},
           {{"--autoscale", "beta"}, "no autoscale figures"}}) {
    std::vector<std::string> all{"up", "fake", "--free-ports"};
    all.insert(all.end(), args.begin(), args.end());
    const auto run = hexa(all);
    EXPECT_NE(run.code, 0) << says;
    EXPECT_THAT(run.output, HasSubstr(says));
  }
}

TEST_F(Launcher, UnknownTargetsAreRefusedClearly) {
  up();
  wait_until_ready();
  const auto unknown = hexa({"stop", "fake/nope"});
  EXPECT_NE(unknown.code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("nope"));
  const auto bad = hexa({"up", "no-such-system"});
  EXPECT_NE(bad.code, 0);
  EXPECT_THAT(bad.output, HasSubstr("no-such-system"));
}

// The port plan without processes: defaults, then replicas on the next free ports.
TEST(LauncherPlan, ReplicasTakeTheNextFreePortsAfterTheDefault) {
  const hl::SystemSpec spec{"shop", "/s/shop", {{"order", 8081}, {"delivery", 8082}}, hl::GatewaySpec{8088, "gateway.yaml"}};
  hl::UpOptions options;
  options.replicas = {"order=3"};
  hl::PortProbe probe;
  probe.is_free = [](std::uint16_t port) { return port != 8084; };  // something else holds 8084
  const auto plan = hl::make_plan(spec, options, "/bin", "/data", probe);

  std::vector<std::pair<std::string, int>> ports;
  for (const auto& i : plan.instances) ports.emplace_back(i.instance, i.port);
  EXPECT_THAT(ports, ::testing::ElementsAre(std::pair<std::string, int>{"order-1", 8081},
                                            std::pair<std::string, int>{"order-2", 8083},
                                            std::pair<std::string, int>{"order-3", 8085},
                                            std::pair<std::string, int>{"delivery-1", 8082},
                                            std::pair<std::string, int>{"gateway", 8088}));
  EXPECT_EQ(plan.instances[0].program, "/bin/shop-order");
  EXPECT_EQ(plan.instances[4].program, "/bin/hexa-gateway");
  EXPECT_EQ(plan.instances[1].env.at("SERVICES_ORDER_URL"),
            "http://127.0.0.1:8081,http://127.0.0.1:8083,http://127.0.0.1:8085");
  EXPECT_EQ(plan.instances[1].env.at("PROFILE"), "default");
}

// A free port is never one an outgoing connection can take before the child binds it: not
// from the kernel's ephemeral range, and not from the range left to tests.
TEST(LauncherPlan, FreePortsComeFromBelowTheEphemeralRange) {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 0;
  range >> low;
  ASSERT_GT(low, hl::kLowestFreePort + 1000) << "this machine leaves no room below its ephemeral range";
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 20; ++i) {
    const auto port = hl::any_free_port();
    EXPECT_GE(port, hl::kLowestFreePort);
    EXPECT_LT(port, low);
    EXPECT_TRUE(hl::port_is_free(port));
    seen.insert(port);
  }
  EXPECT_GT(seen.size(), 10u) << "picked at random, so parallel launchers rarely meet";
}

// Two launchers on one machine never hand out one port, though it is free to bind until a child
// binds it: each holds the ports it handed out until it ends.
TEST(LauncherPlan, TwoLaunchersNeverHandOutOnePort) {
  const auto dir = fs::temp_directory_path() / ("hexa-ports-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto free = [](unsigned port) { return hl::port_is_free(static_cast<std::uint16_t>(port)); };
  unsigned low = hl::any_free_port();  // three free ports in a row, found within 100 picks
  for (int pick = 0; pick < 100 && !(free(low + 1) && free(low + 2)); ++pick) low = hl::any_free_port();
  ASSERT_TRUE(free(low + 1) && free(low + 2)) << "no three free ports in a row";
  const hl::PortLeases::Range three{low, low + 3};

  std::set<std::uint16_t> first_ports;
  auto first = std::make_unique<hl::PortLeases>(dir, three);
  first_ports.insert(first->any_free());
  first_ports.insert(first->any_free());
  ASSERT_EQ(first_ports.size(), 2u) << "one launcher hands a port out once";
  for (const auto port : first_ports) EXPECT_TRUE(hl::port_is_free(port)) << "held, not bound";

  hl::PortLeases second(dir, three);
  const auto third = second.any_free();
  EXPECT_FALSE(first_ports.contains(third)) << "the other launcher's ports are passed over";
  EXPECT_THROW(second.any_free(), std::runtime_error) << "all three are held";

  first.reset();  // the first launcher ends: its ports are free again
  EXPECT_TRUE(first_ports.contains(second.any_free()));
  fs::remove_all(dir);
}

// The gateway serves the front end the build copied next to the executables (build/web/<system>).
TEST(LauncherPlan, TheGatewayGetsTheSystemsWebFolderBesideTheExecutables) {
  const hl::SystemSpec spec{"shop", "/s/shop", {{"order", 8081}}, hl::GatewaySpec{8088, "gateway.yaml"}};
  const auto plan = hl::make_plan(spec, {}, "/repo/build/bin/", "/data", hl::PortProbe{});
  ASSERT_TRUE(plan.instances.back().is_gateway());
  EXPECT_EQ(plan.instances.back().env.at("WEB_ROOT"), "/repo/build/web/shop");
  EXPECT_EQ(plan.instances.front().env.count("WEB_ROOT"), 0u);
}

TEST(LauncherPlan, RefusesTakenDefaultPortsAndUnknownServices) {
  const hl::SystemSpec spec{"shop", "/s/shop", {{"order", 8081}}, std::nullopt};
  hl::PortProbe busy;
  busy.is_free = [](std::uint16_t) { return false; };
  try {
    hl::make_plan(spec, {}, "/bin", "/data", busy);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("8081"));
    EXPECT_THAT(e.what(), HasSubstr("--free-ports"));
  }
  hl::UpOptions unknown;
  unknown.replicas = {"pay=2"};
  EXPECT_THROW(hl::make_plan(spec, unknown, "/bin", "/data", hl::PortProbe{}), std::runtime_error);
  hl::UpOptions env;
  env.env = {"pay:X=1"};
  EXPECT_THROW(hl::make_plan(spec, env, "/bin", "/data", hl::PortProbe{}), std::runtime_error);
}

}  // namespace
