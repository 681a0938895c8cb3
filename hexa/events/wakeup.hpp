#pragma once
// Sleeps until the watched file is modified (inotify IN_MODIFY), signal() is called from
// another thread (eventfd) or a timeout passes: low latency without polling the log.
#include <chrono>
#include <filesystem>

#include "hexa/events/unique_fd.hpp"

namespace hexa {

class Wakeup {
 public:
  explicit Wakeup(const std::filesystem::path& watched_file);
  // Returns after a change, a signal() or `timeout`; consumes the pending notifications.
  void wait(std::chrono::milliseconds timeout);
  void signal();  // thread-safe; a signal is remembered until the next wait()

 private:
  UniqueFd inotify_;
  UniqueFd event_;
};

}  // namespace hexa
