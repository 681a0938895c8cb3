#pragma once
// Processes a test starts itself and stops by PID: database servers and their set-up tools.
// Header-only, for test executables. PostgreSQL refuses to run as root, so a process may run
// as another user (what `runuser -u postgres --` does, but without the extra process in
// between: the PID we hold is the server's own, and the kernel's death signal reaches it).
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include "eventually.hpp"

namespace hexa::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Who a child runs as: unchanged, or a named system user (when we are root).
struct RunAs {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::string name;  // the user it runs as

  static RunAs self() {
    const passwd* me = ::getpwuid(::geteuid());
    return {std::nullopt, std::nullopt, me ? me->pw_name : "root"};
  }
  // `user` when we are root (servers that refuse root), else ourselves.
  static RunAs user_if_root(const std::string& user) {
    if (::geteuid() != 0) return self();
    const passwd* pw = ::getpwnam(user.c_str());
    if (pw == nullptr) throw std::runtime_error("no system user '" + user + "' (is the server installed?)");
    return {pw->pw_uid, pw->pw_gid, user};
  }
  void give(const fs::path& path) const {  // make `path` this user's
    if (uid && ::chown(path.c_str(), *uid, *gid) != 0)
      throw std::runtime_error("cannot chown " + path.string());
  }
};

// A port on 127.0.0.1 that was free a moment ago (a server binds it right after).
inline std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) throw std::runtime_error("no free loopback port");
  return ntohs(addr.sin_port);
}

inline std::string last_lines(const fs::path& file, std::size_t count = 15) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) lines.pop_front();
  }
  std::string out;
  for (const auto& line : lines) out += "\n  | " + line;
  return out;
}

// Starts `args` (args[0] an absolute path) as `as`, stdout and stderr appended to `log`. The
// kernel sends `death_signal` to the child should this test program die first (the signal
// follows the thread that forked: tests start servers from the main thread).
inline pid_t spawn(const std::vector<std::string>& args, const fs::path& log, const RunAs& as,
                   int death_signal = SIGKILL) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error("cannot open " + log.string());
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls until exec
    ::setpgid(0, 0);  // a terminal's Ctrl-C is for the test, which then stops its servers
    ::dup2(out, 1);
    ::dup2(out, 2);
    if (as.uid && (::setgroups(0, nullptr) != 0 || ::setgid(*as.gid) != 0 || ::setuid(*as.uid) != 0))
      ::_exit(126);
    ::prctl(PR_SET_PDEATHSIG, death_signal);  // after setuid, which clears it
    if (::getppid() != parent) ::_exit(1);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

// The wait status once the child has ended, nothing while it runs.
inline std::optional<int> ended(pid_t pid) {
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) return status;
  if (r < 0) return 0;  // not ours any more
  return std::nullopt;
}

// Polls `condition` until it holds or `within` has passed.
// Runs a set-up tool to its end; throws with the log's last lines when it fails.
inline void run_to_end(const std::vector<std::string>& args, const fs::path& log, const RunAs& as,
                       std::chrono::milliseconds within = 120s) {
  const pid_t pid = spawn(args, log, as);
  std::optional<int> status;
  if (!eventually([&] { return (status = ended(pid)).has_value(); }, within)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error(args[0] + " did not finish in time:" + last_lines(log));
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
    throw std::runtime_error(args[0] + " failed:" + last_lines(log));
}

// Stops a started child by its PID: `signal`, then SIGKILL if it outlives `grace`.
inline void stop(pid_t pid, int signal, std::chrono::milliseconds grace = 30s) {
  if (pid <= 0 || ended(pid)) return;
  ::kill(pid, signal);
  if (eventually([&] { return ended(pid).has_value(); }, grace)) return;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace hexa::testing
