#pragma once
// What the publish-to-handle latency benchmarks share (bench/outbox, bench/kafka): events
// stamped with CLOCK_MONOTONIC microseconds (one clock for every process on the machine, so
// a consumer in another process computes now - stamp), percentiles of what it measured, and
// the consumer itself: this executable started again in another mode, read line by line.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "hexa/events/bus.hpp"
#include "hexa/events/event.hpp"
#include "hexa/events/unique_fd.hpp"

extern char** environ;

namespace hexa::bench {

inline std::int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// An event of `type` stamped now, on one of 16 keys, on the topic "latency".
inline Event stamped(const std::string& type, int i) {
  std::string key = "k";  // appended, not "k" + ...: dodges a GCC 12 -Wrestrict false alarm
  key += std::to_string(i % 16);
  return {new_event_id(), type, now_ms(), key, "bench", "latency", nlohmann::json{{"us", steady_us()}}.dump()};
}

inline std::int64_t stamp_of(const Event& e) { return nlohmann::json::parse(e.payload).at("us").get<std::int64_t>(); }

struct Percentiles {
  std::int64_t p50, p99, max;
};

inline Percentiles percentiles(std::vector<std::int64_t> v) {
  if (v.empty()) throw std::runtime_error("no measurement");
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))]; };
  return {at(0.50), at(0.99), v.back()};
}

// This executable run again with `args` (after its own path) as a second process, its stdout
// read line by line; killed when this object goes.
class SelfProcess {
 public:
  explicit SelfProcess(std::vector<std::string> args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    out_ = UniqueFd(fds[0]);
    UniqueFd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    args.insert(args.begin(), self);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + self);
  }
  SelfProcess(const SelfProcess&) = delete;
  SelfProcess& operator=(const SelfProcess&) = delete;
  ~SelfProcess() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }

  // The next line, or "" when none arrives within `timeout`.
  std::string line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        auto l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{out_.get(), POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char chunk[512];
      const auto n = ::read(out_.get(), chunk, sizeof chunk);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  UniqueFd out_;
  pid_t pid_ = -1;
  std::string buffer_;
};

// The consumer's side: subscribes `group` to the topic "latency", says "ready" on its first
// "Warm" event, then measures `events` "Measure" events and prints one line:
// "events=N p50_us=.. p99_us=.. max_us=..". 1 when they did not all come within `timeout`.
inline int consume_stamped(EventBus& bus, const std::string& group, int events, std::chrono::seconds timeout) {
  std::mutex mutex;
  std::condition_variable all_in;
  std::vector<std::int64_t> latencies;
  bool ready = false;
  auto sub = bus.subscribe({group, "latency", "c1"}, [&](const Event& e) {
    const auto now = steady_us();
    std::lock_guard lock(mutex);
    if (e.type == "Warm" && !ready) {
      ready = true;
      std::cout << "ready" << std::endl;
    } else if (e.type == "Measure") {
      latencies.push_back(now - stamp_of(e));
      if (static_cast<int>(latencies.size()) == events) all_in.notify_one();
    }
  });
  std::unique_lock lock(mutex);
  if (!all_in.wait_for(lock, timeout, [&] { return static_cast<int>(latencies.size()) >= events; })) return 1;
  const auto p = percentiles(latencies);
  std::cout << "events=" << latencies.size() << " p50_us=" << p.p50 << " p99_us=" << p.p99 << " max_us=" << p.max
            << std::endl;
  return 0;
}

}  // namespace hexa::bench
