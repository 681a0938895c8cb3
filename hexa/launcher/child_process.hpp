#pragma once
// Starting and reaping the launcher's children: plain POSIX, by PID.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hexa::launcher {

struct SpawnSpec {
  std::filesystem::path program;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // over the launcher's own environment
  std::filesystem::path log;               // stdout and stderr, appended
};

// Starts the child in its own process group (a terminal's Ctrl-C reaches the launcher only,
// which then stops children in order) and asks the kernel to SIGTERM it should the launcher
// die without cleaning up. Must be called from the launcher's main thread: that death signal
// follows the thread that forked. Throws std::runtime_error when the log cannot be opened
// or fork fails; a failed exec shows in the log and as exit status 127.
pid_t spawn(const SpawnSpec& spec);

// The child's wait status once it has ended (reaped), nothing while it runs.
std::optional<int> try_reap(pid_t pid);
// Waits for the child to end; its wait status.
int reap(pid_t pid);
// "exited with status 1", "killed by signal 9".
std::string describe_exit(int wait_status);

}  // namespace hexa::launcher
