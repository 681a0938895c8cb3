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
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/lib/latency_probe.hpp"
#include "hexa/events/bus.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::bench::percentiles;
using hexa::bench::stamped;
using hexa::bench::steady_us;
using Clock = std::chrono::steady_clock;

std::string group_name(const char* role) {
  return std::string("bench-") + role + "-" + std::to_string(::getpid());
}

int latency(const std::string& url, int events, int rate) {
  auto bus = hexa::open_bus(url);
  hexa::bench::SelfProcess consumer({"consume", url, std::to_string(events)});
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
  return hexa::bench::consume_stamped(*bus, group_name("latency"), events, 120s);
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
