#pragma once
// What the health probes report of the store and the bus. Both are checked on a thread of
// their own every `interval`; the probes answer from the last check at once, on the I/O
// thread. A probe queued behind business work on the workers would miss the gateway's
// deadline exactly when the service is busiest, and a busy instance would be taken out of
// rotation for being busy.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "hexa/events/bus.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

class HealthMonitor {
 public:
  // Checks once before returning, so that the first probe already knows. Both must outlive it.
  HealthMonitor(Store& store, EventBus& bus, std::chrono::milliseconds interval);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  bool store_up() const { return store_up_; }
  bool bus_up() const { return bus_up_; }

 private:
  void check();
  void run();

  Store& store_;
  EventBus& bus_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> store_up_{false};
  std::atomic<bool> bus_up_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace hexa
