// Kafka bus figures (bench/kafka/run starts the broker):
//   kafka_bench latency <bus-url> <events> <rate>   publish-to-handle across two processes
//   kafka_bench throughput <bus-url> <events> <batch>
// latency: this process publishes one event at a time at <rate> per second, each stamped with
// CLOCK_MONOTONIC microseconds (one clock for every process on the machine); a second process
// (this program, mode "consume") subscribes in its own group and computes now - stamp at the
// start of its handler. Also reports how long publish() took: the wait for the broker's ack.
// throughput: publishes <events> in batches of <batch> (each publish waits for its acks), then
// waits until a consumer in the same process has handled them all.
// Output: "name=value" lines.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hexa/events/bus.hpp"
#include "hexa/events/unique_fd.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

std::string group_name(const char* role) {
  return std::string("bench-") + role + "-" + std::to_string(::getpid());
}

hexa::Event stamped(const std::string& type, int i) {
  std::string key = "k";  // appended, not "k" + ...: dodges a GCC 12 -Wrestrict false alarm
  key += std::to_string(i % 16);
  return {hexa::new_event_id(), type, hexa::now_ms(), key, "bench", "latency",
          nlohmann::json{{"us", steady_us()}}.dump()};
}

struct Percentiles {
  std::int64_t p50, p99, max;
};
Percentiles percentiles(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))]; };
  return {at(0.50), at(0.99), v.back()};
}

// The consumer process; its stdout read line by line through a pipe.
class ConsumerProcess {
 public:
  ConsumerProcess(const std::string& url, int events) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    out_ = hexa::UniqueFd(fds[0]);
    hexa::UniqueFd write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::vector<std::string> args{self, "consume", url, std::to_string(events)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start the consumer");
  }
  ~ConsumerProcess() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  // The next line, or "" when none arrives within `timeout`.
  std::string line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        auto l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{out_.get(), POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char chunk[512];
      const auto n = ::read(out_.get(), chunk, sizeof chunk);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  hexa::UniqueFd out_;
  pid_t pid_ = -1;
  std::string buffer_;
};

int latency(const std::string& url, int events, int rate) {
  auto bus = hexa::open_bus(url);
  ConsumerProcess consumer(url, events);
  // Warm up until the consumer has joined its group and handled an event.
  for (int i = 0; consumer.line(20ms) != "ready"; ++i) {
    if (i > 1500) throw std::runtime_error("the consumer never became ready");
    bus->publish({stamped("Warm", i)});
  }
  // A caller running other load alongside (bench/carrental/engines) starts it on this line.
  std::cout << "phase=measuring" << std::endl;
  std::vector<std::int64_t> acks;
  const auto interval = std::chrono::microseconds(1'000'000 / std::max(rate, 1));
  const auto start = Clock::now();
  for (int i = 0; i < events; ++i) {
    std::this_thread::sleep_until(start + i * interval);  // pacing: a steady offered load
    const auto before = steady_us();
    bus->publish({stamped("Measure", i)});
    acks.push_back(steady_us() - before);
  }
  const auto result = consumer.line(60s);
  if (result.empty()) throw std::runtime_error("no result from the consumer");
  const auto ack = percentiles(acks);
  std::printf("rate_per_s=%d\n%s\nack_p50_us=%lld ack_p99_us=%lld ack_max_us=%lld\n", rate, result.c_str(),
              static_cast<long long>(ack.p50), static_cast<long long>(ack.p99), static_cast<long long>(ack.max));
  return 0;
}

int consume(const std::string& url, int events) {
  auto bus = hexa::open_bus(url);
  std::mutex mutex;
  std::condition_variable all_in;
  std::vector<std::int64_t> latencies;
  bool ready = false;
  auto sub = bus->subscribe({group_name("latency"), "latency", "c1"}, [&](const hexa::Event& e) {
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
  if (!all_in.wait_for(lock, 120s, [&] { return static_cast<int>(latencies.size()) >= events; })) return 1;
  const auto p = percentiles(latencies);
  std::cout << "events=" << latencies.size() << " p50_us=" << p.p50 << " p99_us=" << p.p99 << " max_us=" << p.max
            << std::endl;
  return 0;
}

int throughput(const std::string& url, int events, int batch) {
  auto bus = hexa::open_bus(url);
  std::mutex mutex;
  std::condition_variable all_in;
  int handled = 0;
  auto sub = bus->subscribe({group_name("throughput"), "throughput", "c1"}, [&](const hexa::Event&) {
    std::lock_guard lock(mutex);
    if (++handled == events) all_in.notify_one();
  });
  std::vector<hexa::Event> pending;
  const auto start = Clock::now();
  for (int i = 0; i < events; ++i) {
    auto e = stamped("Throughput", i);
    e.topic = "throughput";
    pending.push_back(std::move(e));
    if (static_cast<int>(pending.size()) == batch || i + 1 == events) {
      bus->publish(pending);
      pending.clear();
    }
  }
  const auto published = Clock::now();
  std::unique_lock lock(mutex);
  if (!all_in.wait_for(lock, 120s, [&] { return handled >= events; })) return 1;
  const auto done = Clock::now();
  auto per_s = [&](Clock::time_point end) {
    return static_cast<long long>(events / std::chrono::duration<double>(end - start).count());
  };
  std::printf("events=%d batch=%d\npublished_per_s=%lld\nhandled_per_s=%lld\n", events, batch, per_s(published),
              per_s(done));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // stdout carries the results
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 4 && args[0] == "latency") return latency(args[1], std::stoi(args[2]), std::stoi(args[3]));
    if (args.size() == 3 && args[0] == "consume") return consume(args[1], std::stoi(args[2]));
    if (args.size() == 4 && args[0] == "throughput")
      return throughput(args[1], std::stoi(args[2]), std::stoi(args[3]));
    std::cerr << "usage: kafka_bench latency <bus-url> <events> <rate>\n"
                 "       kafka_bench throughput <bus-url> <events> <batch>\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "kafka_bench: " << e.what() << "\n";
    return 1;
  }
}
