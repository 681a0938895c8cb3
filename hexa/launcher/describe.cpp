#include "hexa/launcher/describe.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "hexa/docs/system_docs.hpp"
#include "hexa/launcher/paths.hpp"
#include "hexa/launcher/plan.hpp"

namespace hexa::launcher {
namespace {

// Runs a program and returns its standard output; its standard error passes through.
std::string output_of(const fs::path& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env, int& status) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  waitpid(pid, &status, 0);
  return out;
}

rest::Json description_of(const InstancePlan& i) {
  auto env = i.env;
  env["LOGGING_LEVEL"] = "off";  // only the JSON on standard output
  auto args = i.args;
  args.push_back("--describe");
  int status = 0;
  const std::string out = output_of(i.program, args, env, status);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("{} --describe failed (status {})", i.program.string(), status));
  const auto start = out.find('{');
  if (start == std::string::npos) throw std::runtime_error(i.program.string() + " --describe printed no JSON");
  return rest::Json::parse(out.substr(start));
}

void render_svg(const fs::path& dot_file) {
  fs::path svg = dot_file;
  svg.replace_extension(".svg");
  const std::string cmd = fmt::format("dot -Tsvg '{}' -o '{}'", dot_file.string(), svg.string());
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("`" + cmd + "` failed: is Graphviz installed (scripts/bootstrap)?");
}

}  // namespace

int run_describe(const std::string& system, const fs::path& out) {
  const SystemSpec spec = load_system(systems_dir(), system);
  UpOptions options;
  options.system = system;
  options.free_ports = true;  // nothing listens: the ports only fill in the services' addresses
  const Plan plan = make_plan(spec, options, bin_dir(), fs::temp_directory_path() / "hexa-describe");
  std::vector<rest::Json> descriptions;
  for (const auto& i : plan.instances) {
    const ServiceSpec* s = spec.find(i.service);
    if (i.is_gateway() || !s || !s->executable.empty() || i.instance != i.service + "-1") continue;
    descriptions.push_back(description_of(i));
  }
  const fs::path dir = out / system;
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [file, text] : docs::system_docs(system, descriptions)) {
    fs::create_directories((dir / file).parent_path());  // contracts/ lies one folder down
    std::ofstream(dir / file) << text;
    if (fs::path(file).extension() == ".dot") render_svg(dir / file);
  }
  std::cout << "wrote " << dir.string() << "\n";
  return 0;
}

}  // namespace hexa::launcher
