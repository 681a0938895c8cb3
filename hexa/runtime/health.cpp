#include "hexa/runtime/health.hpp"

namespace hexa {

HealthMonitor::HealthMonitor(Store& store, EventBus& bus, std::chrono::milliseconds interval)
    : store_(store), bus_(bus), interval_(interval) {
  check();
  thread_ = std::thread([this] { run(); });
}

HealthMonitor::~HealthMonitor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void HealthMonitor::check() {
  store_up_ = store_.healthy();
  bus_up_ = bus_.healthy();
}

void HealthMonitor::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    check();
    lock.lock();
  }
}

}  // namespace hexa
