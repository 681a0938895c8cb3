// (b) Publish-to-handle latency across two processes. The publisher stamps each event's
// payload with CLOCK_MONOTONIC microseconds (system-wide, so comparable across processes);
// the consumer process computes now - stamp at the start of its handler.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench/lib/latency_probe.hpp"
#include "bench/outbox/bench.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/events/outbox_relay.hpp"
#include "hexa/store/store.hpp"

namespace hexa::bench {

namespace {

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

  SelfProcess consumer({"consume", dir.string(), std::to_string(events)});
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
  return consume_stamped(*bus, "bench-consumer", events, std::chrono::seconds(60));
}

}  // namespace hexa::bench
