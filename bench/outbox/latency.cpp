// (b) Publish-to-handle latency across two processes. The publisher stamps each event's
// payload with CLOCK_MONOTONIC microseconds (system-wide, so comparable across processes);
// the consumer process computes now - stamp at the start of its handler.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench/outbox/bench.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/events/outbox_relay.hpp"
#include "hexa/events/unique_fd.hpp"
#include "hexa/store/store.hpp"

extern char** environ;

namespace hexa::bench {

std::int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {

Event stamped(const std::string& type, int i) {
  std::string key = "k";  // appended, not "k" + ...: dodges a GCC 12 -Wrestrict false alarm
  key += std::to_string(i % 16);
  return {new_event_id(), type, now_ms(), key, "bench", "latency",
          nlohmann::json{{"us", steady_us()}}.dump()};
}

// The consumer process, its stdout read line by line through a pipe.
class Consumer {
 public:
  Consumer(const std::filesystem::path& dir, int events) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    out_ = UniqueFd(fds[0]);
    UniqueFd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::vector<std::string> args{self, "consume", dir.string(), std::to_string(events)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start the consumer");
  }
  ~Consumer() {
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

Schema orders() { return {"orders", {{"n", Kind::Integer}}}; }

}  // namespace

int latency(const std::filesystem::path& dir, int events, int rate, bool via_outbox) {
  auto bus = open_bus("log:" + (dir / "bus").string());
  auto store = open_store("sqlite:" + (dir / "service.db").string());
  store->migrate(orders());
  OutboxRelay relay(*store, *bus);
  auto send = [&](const Event& e) {
    if (!via_outbox) return bus->publish({e});
    auto tx = store->begin();
    tx->insert(orders(), {{"n", std::int64_t{1}}});
    tx->add_to_outbox(e);
    tx->commit();
    relay.notify();
  };

  Consumer consumer(dir, events);
  // Warm up until the consumer has joined its group and handled an event.
  for (int i = 0; consumer.line(std::chrono::milliseconds(10)) != "ready"; ++i) {
    if (i > 1000) throw std::runtime_error("the consumer never became ready");
    send(stamped("Warm", i));
  }
  const auto interval = std::chrono::microseconds(1'000'000 / std::max(rate, 1));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < events; ++i) {
    std::this_thread::sleep_until(start + i * interval);  // pacing: a steady offered load
    send(stamped("Measure", i));
  }
  const auto result = consumer.line(std::chrono::seconds(60));
  if (result.empty()) throw std::runtime_error("no result from the consumer");
  std::printf("path=%s\nrate_per_s=%d\n%s\n", via_outbox ? "outbox" : "bus", rate, result.c_str());
  return 0;
}

int consume(const std::filesystem::path& dir, int events) {
  auto bus = open_bus("log:" + (dir / "bus").string());
  std::mutex mutex;
  std::condition_variable all_in;
  std::vector<std::int64_t> latencies;
  bool ready = false;
  auto sub = bus->subscribe({"bench-consumer", "latency", "c1"}, [&](const Event& e) {
    const auto now = steady_us();
    std::lock_guard lock(mutex);
    if (e.type == "Warm" && !ready) {
      ready = true;
      std::cout << "ready" << std::endl;
    } else if (e.type == "Measure") {
      latencies.push_back(now - nlohmann::json::parse(e.payload).at("us").get<std::int64_t>());
      if (static_cast<int>(latencies.size()) == events) all_in.notify_one();
    }
  });
  std::unique_lock lock(mutex);
  if (!all_in.wait_for(lock, std::chrono::seconds(60), [&] { return static_cast<int>(latencies.size()) >= events; }))
    return 1;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return latencies[static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1))]; };
  std::cout << "events=" << latencies.size() << " p50_us=" << pct(0.50) << " p99_us=" << pct(0.99)
            << " max_us=" << latencies.back() << std::endl;
  return 0;
}

}  // namespace hexa::bench
