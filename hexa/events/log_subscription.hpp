#pragma once
// One LogBus consumer-group member: a thread that owns some partitions of one topic and feeds
// their events to the handler (design in log_bus.hpp).
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "hexa/events/group_lock.hpp"
#include "hexa/events/log_bus.hpp"
#include "hexa/events/wakeup.hpp"

namespace hexa {

class LogSubscription final : public Subscription {
 public:
  LogSubscription(const LogBusOptions& bus, int partitions, SubscriptionOptions options,
                  BatchHandler handler);
  ~LogSubscription() override;  // finishes the batch in hand, then releases its partitions
  LogSubscription(const LogSubscription&) = delete;
  LogSubscription& operator=(const LogSubscription&) = delete;

  std::uint64_t handled() const override { return handled_.load(); }
  std::vector<PartitionLag> lag() const override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Owned {
    std::int64_t position = 0;   // last handled offset
    std::int64_t committed = 0;  // the position as positions.db has it
    Clock::time_point retry_at{};  // paused after a handler failure until then
  };
  struct Round {
    bool more = false;       // a full batch was read: more may wait
    std::size_t events = 0;  // events read
  };

  void run() noexcept;
  void rebalance();
  void take(int partition);
  // Where an event read stands in the log, and whether it went to the handler.
  struct Place {
    int partition = 0;
    std::int64_t offset = 0;
    bool passed_over = false;  // of a type the subscription does not want (options.types)
  };
  struct Batch {
    std::vector<Place> places;  // every event read, in order
    std::vector<Event> events;  // those handed to the handler, in the same order
    bool full = false;  // some partition had more than its share: read again at once
  };
  Round drain();
  Batch read_batch(const std::vector<int>& partitions);
  std::size_t handle(const std::vector<Event>& events);  // how many the handler handled
  // Moves positions over the events handled, and those passed over, up to the first event not
  // handled; pauses the partitions of the events not handled.
  void advance(const Batch& batch, std::size_t handled, Clock::time_point now);
  bool wanted(const std::string& type) const { return options_.types.empty() || options_.types.contains(type); }
  void commit_positions();  // those that moved since their last commit, in one transaction
  bool uncommitted() const;
  std::int64_t load_position(int partition);
  void measure_lag();  // events after each owned partition's position, for lag()
  std::chrono::milliseconds time_to_next(Clock::time_point next_rebalance) const;

  const SubscriptionOptions options_;
  const BatchHandler handler_;
  const int partitions_;
  const std::size_t batch_;
  const std::chrono::milliseconds rebalance_every_;
  const Linger linger_;
  const std::chrono::milliseconds commit_every_;
  Clock::time_point last_commit_{};
  sqlite::Database log_;
  sqlite::Database positions_;
  GroupLock lock_;
  Wakeup wakeup_;
  std::map<int, Owned> owned_;  // touched by the thread only
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> handled_{0};
  mutable std::mutex lag_mutex_;
  std::vector<PartitionLag> lag_;  // under lag_mutex_
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace hexa
