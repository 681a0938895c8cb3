#pragma once
// Moves committed outbox events to the bus, on its own thread:
//   outbox_batch(500) -> bus.publish(batch) -> outbox_remove_through(last seq)
// Events leave the store only after the bus took them, so nothing committed is lost; a crash
// between publish and remove publishes the same event ids again on restart (at least once:
// consumers deduplicate by id). An event of a rolled-back transaction was never in the outbox,
// so it never reaches the bus.
//
// Several relays on one store (replicas sharing a SQLite file) are safe but wasteful: each may
// publish the same events; consumers deduplicate.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "hexa/events/bus.hpp"
#include "hexa/events/linger.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

struct OutboxRelayOptions {
  std::size_t batch = 500;
  std::chrono::milliseconds idle_wait{200};  // re-check without notify(): other processes
  // After a batch of several events (commits arrive faster than one relay round), wait for
  // more before the next round: fewer, larger publishes under load. A lone event (light
  // traffic) is relayed at once, so this costs latency only when the stream is busy.
  Linger linger;
  std::chrono::milliseconds backoff_min{100};  // after a failing store or bus, doubling...
  std::chrono::milliseconds backoff_max{1000};  // ...up to this
  std::chrono::milliseconds drain{1000};  // on destruction, keep relaying this long at most
};

class OutboxRelay {
 public:
  // Both must outlive the relay.
  OutboxRelay(Store& store, EventBus& bus, OutboxRelayOptions options = {});
  ~OutboxRelay();  // relays what is pending (up to options.drain), then stops
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Wake now: call after a commit that added events.
  void notify();
  // Events published so far (for health and tests).
  std::uint64_t relayed() const;
  // What waits in the outbox as the relay last read it (for metrics): how many (at most one
  // batch) and when the oldest was raised; {0, 0} once it found the outbox empty.
  struct Backlog {
    std::size_t events = 0;
    std::int64_t oldest_ms = 0;  // epoch milliseconds
  };
  Backlog backlog() const;

 private:
  void run();
  std::size_t relay_batch();  // events published; throws what the store or bus threw
  // Waits up to `timeout` for notify() (or stop); false when stopping.
  bool wait(std::chrono::milliseconds timeout);
  // Waits `pause` unless stopping: notify() does not cut it short, so a steady stream of
  // commits neither defeats the linger nor the back-off. False when stopping.
  bool pause(std::chrono::microseconds pause);
  bool draining_done() const;  // under mutex_

  Store& store_;
  EventBus& bus_;
  const OutboxRelayOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool idle_ = false;  // in wait(): only then does notify() need to wake the thread
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_deadline_{};
  std::uint64_t relayed_ = 0;
  Backlog backlog_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace hexa
