#include "hexa/launcher/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "hexa/events/unique_fd.hpp"

extern char** environ;

namespace hexa::launcher {
namespace {

std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (!overrides.contains(entry.substr(0, entry.find('=')))) out.push_back(entry);
  }
  for (const auto& [name, value] : overrides) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void become_child(pid_t parent, int null_in, int log, char* const argv[],
                               char* const envp[], const std::string& failure) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(1);  // the launcher died before the line above
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the launcher blocks signals; children must not
  ::dup2(null_in, 0);
  ::dup2(log, 1);
  ::dup2(log, 2);
  ::close_range(3, ~0U, 0);  // the launcher's sockets and files are not the child's business
  ::execve(argv[0], argv, envp);
  [[maybe_unused]] auto n = ::write(2, failure.data(), failure.size());
  ::_exit(127);
}

}  // namespace

pid_t spawn(const SpawnSpec& spec) {
  std::vector<std::string> args{spec.program.string()};
  args.insert(args.end(), spec.args.begin(), spec.args.end());
  auto env = environment_with(spec.env);
  const auto argv = pointers(args);
  const auto envp = pointers(env);
  const std::string failure = "hexa: cannot execute " + spec.program.string() + "\n";

  const UniqueFd log(::open(spec.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (log.get() < 0) {
    throw std::runtime_error("cannot open " + spec.log.string() + ": " + std::strerror(errno));
  }
  const UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) become_child(parent, null_in.get(), log.get(), argv.data(), envp.data(), failure);
  return pid;
}

std::optional<int> try_reap(pid_t pid) {
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) return status;
  if (r < 0 && errno == ECHILD) return 0;  // already gone: nothing left to wait for
  return std::nullopt;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return status;
}

std::string describe_exit(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    const char* name = ::sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "ended";
}

}  // namespace hexa::launcher
