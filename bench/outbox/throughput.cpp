// (a) Committed state + event transactions per second: each one a Transaction with one insert
// and one add_to_outbox, committed, then relay.notify(), as a service's write path does.
#include <sys/resource.h>

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "bench/outbox/bench.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/events/outbox_relay.hpp"
#include "hexa/store/store.hpp"

namespace hexa::bench {

namespace {

Schema orders() {
  return {"orders", {{"custName", Kind::Text}, {"amt", Kind::Integer}}};
}

double thread_cpu_us() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

struct WriterResult {
  std::uint64_t done = 0;
  double cpu_us = 0;  // this writer thread's own CPU time
};

void write_until(Store& store, OutboxRelay& relay, const std::atomic<bool>& stop, WriterResult& out) {
  const auto cpu_start = thread_cpu_us();
  std::uint64_t& done = out.done;
  while (!stop.load(std::memory_order_relaxed)) {
    auto tx = store.begin();
    const auto id = tx->insert(orders(), {{"custName", std::string("김철수")}, {"amt", std::int64_t{100}}});
    tx->add_to_outbox({new_event_id(), "OrderPlaced", now_ms(), std::to_string(id % 64), "bench",
                       "orders", R"({"custName":"김철수","amt":100})"});
    tx->commit();
    relay.notify();
    ++done;
  }
  out.cpu_us = thread_cpu_us() - cpu_start;
}

// CPU time of the whole process (writers, relay, bus), in microseconds: unlike wall time it
// does not depend on what else the machine runs.
double cpu_us() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  return us(u.ru_utime) + us(u.ru_stime);
}

}  // namespace

int throughput(const std::filesystem::path& dir, int seconds, int threads) {
  auto store = open_store("sqlite:" + (dir / "service.db").string());
  store->migrate(orders());
  auto bus = open_bus("log:" + (dir / "bus").string());
  OutboxRelay relay(*store, *bus);

  std::atomic<bool> stop{false};
  std::vector<WriterResult> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> writers;
  const auto cpu_start = cpu_us();
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    writers.emplace_back([&, t] { write_until(*store, relay, stop, results[static_cast<std::size_t>(t)]); });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the measured interval
  stop = true;
  for (auto& w : writers) w.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::uint64_t total = 0;
  double writers_cpu = 0;
  for (const auto& r : results) {
    total += r.done;
    writers_cpu += r.cpu_us;
  }
  const auto relayed_in_run = relay.relayed();
  const auto cpu = cpu_us() - cpu_start;

  // How far behind the relay was: time to empty the outbox once writers stop.
  const auto drain_start = std::chrono::steady_clock::now();
  while (!store->outbox_batch(1).empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::chrono::duration<double, std::milli> drain = std::chrono::steady_clock::now() - drain_start;

  const auto per_tx = [&](double us) { return us / static_cast<double>(total); };
  std::printf("tx_per_s=%.0f\n", static_cast<double>(total) / elapsed.count());
  std::printf("cpu_us_per_tx=%.1f\n", per_tx(cpu));  // writers + relay + bus, per transaction
  std::printf("writer_cpu_us_per_tx=%.1f\n", per_tx(writers_cpu));
  std::printf("threads=%d\ncommitted=%llu\nrelayed_during_run=%llu\nrelay_drain_ms=%.0f\n", threads,
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(relayed_in_run),
              drain.count());
  return 0;
}

int publish(const std::filesystem::path& dir, int events, int batch) {
  auto bus = open_bus("log:" + (dir / "bus").string());
  std::vector<Event> chunk;
  const auto start = std::chrono::steady_clock::now();
  for (int done = 0; done < events; done += batch) {
    chunk.clear();
    for (int i = 0; i < batch; ++i)
      chunk.push_back({new_event_id(), "OrderPlaced", now_ms(), std::to_string(i % 64), "bench", "orders",
                       R"({"custName":"김철수","amt":100})"});
    bus->publish(chunk);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("batch=%d\nevents_per_s=%.0f\n", batch, static_cast<double>(events) / elapsed.count());
  return 0;
}

}  // namespace hexa::bench
