#pragma once
// The outcomes a circuit breaker judges by: the last N calls (count-based) or the calls of the
// last N seconds (time-based). Both are a ring of N buckets; they differ only in what moves the
// ring forward: each call, or each second of the clock. Not thread-safe: the breaker locks.
#include <cstdint>
#include <vector>

#include "hexa/resilience/clock.hpp"

namespace hexa::resilience {

struct WindowTotals {
  int calls = 0;
  int failed = 0;
  int slow = 0;

  WindowTotals& operator+=(const WindowTotals& o) {
    calls += o.calls, failed += o.failed, slow += o.slow;
    return *this;
  }
  WindowTotals& operator-=(const WindowTotals& o) {
    calls -= o.calls, failed -= o.failed, slow -= o.slow;
    return *this;
  }
};

class SlidingWindow {
 public:
  enum class Kind { Count, Time };

  SlidingWindow(Kind kind, int size);

  void record(bool failed, bool slow, TimePoint now);
  // A time-based window first forgets the buckets older than `size` seconds.
  WindowTotals totals(TimePoint now);
  void clear();

 private:
  void advance_to(std::int64_t slot);
  std::int64_t slot_of(TimePoint now) const;
  WindowTotals& bucket(std::int64_t slot);

  Kind kind_;
  std::vector<WindowTotals> buckets_;
  WindowTotals sum_;           // kept in step with buckets_ so totals() is O(1)
  std::int64_t head_ = 0;      // newest slot: a call's sequence number, or a clock second
  std::int64_t last_call_ = 0; // count-based only: sequence number of the last call
};

}  // namespace hexa::resilience
