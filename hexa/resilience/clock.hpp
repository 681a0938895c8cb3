#pragma once
// Time as a dependency: the resilience primitives read "now" through a Clock so tests can move
// time forward by hand instead of sleeping.
#include <atomic>
#include <chrono>
#include <functional>

namespace hexa::resilience {

using TimePoint = std::chrono::steady_clock::time_point;
using Clock = std::function<TimePoint()>;

// The real clock: monotonic, so wall-clock adjustments never open or close a breaker.
inline Clock steady_clock() {
  return [] { return std::chrono::steady_clock::now(); };
}

// A clock that only moves when told to. Safe to read from several threads while one advances it.
// clock() captures `this`: the FakeClock must outlive whatever holds that Clock.
class FakeClock {
 public:
  // Starts well away from the epoch so "now - window" never goes below zero.
  explicit FakeClock(TimePoint start = TimePoint{} + std::chrono::hours(1))
      : ticks_(start.time_since_epoch().count()) {}
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  TimePoint now() const { return TimePoint{TimePoint::duration{ticks_.load()}}; }
  void advance(std::chrono::milliseconds by) {
    ticks_ += std::chrono::duration_cast<TimePoint::duration>(by).count();
  }
  Clock clock() const {
    return [this] { return now(); };
  }

 private:
  std::atomic<TimePoint::rep> ticks_;
};

}  // namespace hexa::resilience
