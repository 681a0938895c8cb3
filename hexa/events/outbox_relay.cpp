#include "hexa/events/outbox_relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace hexa {

OutboxRelay::OutboxRelay(Store& store, EventBus& bus, OutboxRelayOptions options)
    : store_(store), bus_(bus), options_(options), thread_([this] { run(); }) {}

OutboxRelay::~OutboxRelay() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + options_.drain;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxRelay::notify() {
  bool idle = false;
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
    idle = idle_;
  }
  // A busy or lingering relay reads the outbox again anyway: waking it would only cost two
  // context switches per commit.
  if (idle) wake_.notify_one();
}

std::uint64_t OutboxRelay::relayed() const {
  std::lock_guard lock(mutex_);
  return relayed_;
}

bool OutboxRelay::draining_done() const {
  return stopping_ && std::chrono::steady_clock::now() >= drain_deadline_;
}

bool OutboxRelay::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  idle_ = true;
  wake_.wait_for(lock, timeout, [&] { return notified_ || stopping_; });
  idle_ = false;
  return !stopping_;
}

bool OutboxRelay::pause(std::chrono::microseconds pause) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, pause, [&] { return stopping_; });
}

OutboxRelay::Backlog OutboxRelay::backlog() const {
  std::lock_guard lock(mutex_);
  return backlog_;
}

std::size_t OutboxRelay::relay_batch() {
  {
    // Cleared before reading: a notify() during this round is seen by the next wait().
    std::lock_guard lock(mutex_);
    notified_ = false;
  }
  const auto batch = store_.outbox_batch(options_.batch);
  {
    std::lock_guard lock(mutex_);
    backlog_ = batch.empty() ? Backlog{} : Backlog{batch.size(), batch.front().event.time_ms};
  }
  if (batch.empty()) return 0;
  std::vector<Event> events;
  events.reserve(batch.size());
  for (const auto& entry : batch) events.push_back(entry.event);
  bus_.publish(events);
  store_.outbox_remove_through(batch.back().seq);
  std::lock_guard lock(mutex_);
  relayed_ += batch.size();
  if (batch.size() < options_.batch) backlog_ = {};  // it was all there was
  return batch.size();
}

void OutboxRelay::run() {
  auto backoff = std::chrono::milliseconds{0};
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (draining_done()) return;
    }
    try {
      const auto relayed = relay_batch();
      backoff = std::chrono::milliseconds{0};
      if (relayed == options_.batch) continue;  // more may be waiting: no pause
      if (relayed > 1) {
        pause(options_.linger.after(relayed));
        continue;
      }
      std::lock_guard lock(mutex_);
      if (stopping_ && !notified_) return;  // drained
    } catch (const std::exception& e) {
      backoff = std::clamp(backoff * 2, options_.backoff_min, options_.backoff_max);
      spdlog::warn("outbox relay: {} (retrying in {} ms)", e.what(), backoff.count());
      if (!pause(backoff)) return;  // stopping while the bus fails: nothing will drain
      continue;
    }
    wait(options_.idle_wait);
  }
}

}  // namespace hexa
