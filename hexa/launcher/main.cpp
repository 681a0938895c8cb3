// build/bin/hexa: runs a system's services locally, as the seeds ran each with
// `mvn spring-boot:run`, and controls them from another terminal.
#include <CLI/CLI.hpp>

#include <iostream>

#include "hexa/launcher/commands.hpp"
#include "hexa/launcher/describe.hpp"
#include "hexa/launcher/k8s.hpp"
#include "hexa/launcher/paths.hpp"

namespace {

using hexa::launcher::DataDir;

void add_data_dir(CLI::App& command, DataDir& data) {
  command.add_option("--data-dir", data,
                     "where logs, data and launcher.json live (default: $HEXA_DATA_DIR, else <repo>/data)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hexa: run a system's services locally"};
  app.require_subcommand(1);
  std::function<int()> action;

  hexa::launcher::UpOptions up;
  auto* up_cmd = app.add_subcommand("up", "start every service of a system and keep them running");
  up_cmd->add_option("system", up.system, "a folder of systems/ (carrental, ...)")->required();
  up_cmd->add_option("--profile,-p", up.profiles, "active profiles, comma-separated");
  up_cmd->add_option("--env,-e", up.env, "[service:]NAME=value for one service (or all)")
      ->allow_extra_args(false);
  up_cmd->add_option("--replicas,-r", up.replicas, "service=N instances of a service")
      ->allow_extra_args(false);
  up_cmd->add_option("--autoscale,-a", up.autoscale,
                     "service=min:max:cpu% (or service: system.yaml's figures): HPA's rule, locally")
      ->allow_extra_args(false);
  up_cmd->add_option("--autoscale-window", up.autoscale_window_s,
                     "seconds a lower recommendation must hold before scaling down (default 30)")
      ->check(CLI::Range(1, 3600));
  up_cmd->add_flag("--free-ports", up.free_ports, "any free ports instead of the defaults");
  add_data_dir(*up_cmd, up.data_dir);
  up_cmd->callback([&] { action = [&] { return hexa::launcher::run_up(up); }; });

  std::string target;
  DataDir data;
  for (const auto& [name, help] : {std::pair{"stop", "stop a service's instances, or one instance"},
                                   std::pair{"start", "start stopped instances again"}}) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("target", target, "<system>/<service> or <system>/<instance>")->required();
    add_data_dir(*cmd, data);
    const std::string verb = name;
    cmd->callback([&, verb] {
      action = [&, verb] {
        return verb == "stop" ? hexa::launcher::run_stop(target, data)
                              : hexa::launcher::run_start(target, data);
      };
    });
  }

  bool ungated = false;
  auto* rollout_cmd = app.add_subcommand("rollout", "replace a service's instances one at a time, each once the new one is ready");
  rollout_cmd->add_option("target", target, "<system>/<service>")->required();
  rollout_cmd->add_flag("--no-readiness-gate", ungated,
                        "switch to each new instance as soon as it is started (for comparison: requests fail)");
  add_data_dir(*rollout_cmd, data);
  rollout_cmd->callback([&] { action = [&] { return hexa::launcher::run_rollout(target, !ungated, data); }; });

  std::optional<std::string> system;
  auto* status_cmd = app.add_subcommand("status", "show the instances of running systems");
  status_cmd->add_option("system", system, "one system (default: all running)");
  add_data_dir(*status_cmd, data);
  status_cmd->callback([&] { action = [&] { return hexa::launcher::run_status(system, data); }; });

  std::string prom_system;
  std::optional<std::filesystem::path> prom_out;
  auto* prom_cmd = app.add_subcommand("prometheus", "write a Prometheus configuration scraping a running system");
  prom_cmd->add_option("system", prom_system, "a running system")->required();
  prom_cmd->add_option("--out,-o", prom_out, "the file to write (default: standard output)");
  add_data_dir(*prom_cmd, data);
  prom_cmd->callback([&] { action = [&] { return hexa::launcher::run_prometheus(prom_system, data, prom_out); }; });

  std::string k8s_system;
  std::optional<std::filesystem::path> k8s_out;
  auto* k8s_cmd = app.add_subcommand("k8s", "write a system's Kubernetes manifests (deploy/k8s/<system>/)");
  k8s_cmd->add_option("system", k8s_system, "a folder of systems/")->required();
  k8s_cmd->add_option("--out", k8s_out, "where to write them (default: <repo>/deploy/k8s)");
  k8s_cmd->callback([&] {
    action = [&] {
      return hexa::launcher::run_k8s(k8s_system, k8s_out.value_or(hexa::launcher::systems_dir().parent_path() / "deploy" / "k8s"));
    };
  });

  std::string describe_system;
  std::optional<std::filesystem::path> describe_out;
  auto* describe_cmd = app.add_subcommand("describe", "write a system's diagrams, OpenAPI and AsyncAPI (docs/<system>/)");
  describe_cmd->add_option("system", describe_system, "a folder of systems/")->required();
  describe_cmd->add_option("--out", describe_out, "where to write them (default: <repo>/docs)");
  describe_cmd->callback([&] {
    action = [&] {
      return hexa::launcher::run_describe(describe_system,
                                          describe_out.value_or(hexa::launcher::systems_dir().parent_path() / "docs"));
    };
  });

  auto* scale_cmd = app.add_subcommand("scale", "change a running service's replicas (not yet)");
  scale_cmd->allow_extras();
  scale_cmd->callback([&] {
    action = [] {
      std::cerr << "hexa: scale is not implemented yet; start with `hexa up <system> "
                   "--replicas <service>=N` instead\n";
      return 2;
    };
  });

  CLI11_PARSE(app, argc, argv);
  try {
    return action();
  } catch (const std::exception& e) {
    std::cerr << "hexa: " << e.what() << '\n';
    return 1;
  }
}
