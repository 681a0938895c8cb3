#pragma once
// An adaptive concurrency limit for calls to one dependency (in the spirit of Netflix's
// concurrency-limits and Envoy's adaptive concurrency): how many calls may be in flight at once
// is not configured but found from the callee's answers, and a call beyond it is refused at once.
//
// The limit is judged once per window: max(window, limit) answers of calls that started under
// the current limit (answers of calls started before the last change are passed over: they
// tell about the old limit), or as soon as more of them timed out than the whole window may (the
// verdict can no longer change, and each timeout leaves its call queued at the callee, so the
// next ones come faster: under the seeds' overload experiment the wait for the full window let
// them open the breaker). From each window:
//   - baseline: the callee's latency without a queue, the lowest window average of the last
//     baseline_windows windows (a cut lets the callee's queue drain, which shows it again; a
//     callee that became slower for good is accepted once the old windows are out);
//   - overloaded when more of the window's calls timed out than timeout_share of them by more
//     than chance (one standard deviation of that share over the window: a callee whose own
//     latency reaches the timeout, as the seeds' pay at 400-620 ms against 610, times out a
//     tenth of its calls with no queue at all, and 2 of 10 is then no sign) — a caller that
//     gives up leaves its call queued at the callee, so timeouts feed themselves: the strongest
//     sign; or when the window's average latency rose above the baseline by more than it may:
//     baseline × (tolerance - 1), but at most half the time the baseline leaves before the
//     caller's timeout (a queue that eats that much is about to time out), and never less than
//     min_delay (a rise of a few milliseconds on a fast callee is noise, not a queue);
//   - overloaded: the limit shrinks (× (1 - share/2) for timeouts, × (baseline + that rise
//     without the min_delay floor) / average for latency, never by more than half) and the
//     limit it had is remembered;
//   - otherwise it grows: doubles while the window's average is under min_delay (a fast
//     callee: the burst of a busy caller must not be refused while the limit finds its
//     level); else by one per window back up to just under the last limit found overloaded,
//     then by 1/limit per window (slowly past the point that hurt), and by one per window
//     while no overload was ever seen.
// A call beyond the limit waits up to first_wait for a place instead of being refused while
// nothing is known yet (no window judged) or while the last window said the callee answers
// within min_delay (the limit doubling): a place is then about to free, and a refusal would be
// false (a fresh instance taking a full load at once, as in a rollout, refused its first calls
// while its limit grew). Once the callee answers slower than that, a call beyond the limit is
// refused at once.
// A call that ended without an answer or a timeout (connection refused, 5xx, breaker open) is
// no latency sample: the circuit breaker judges failures.
//
// Thread-safe; time read through a Clock, so tests move it by hand.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "hexa/resilience/clock.hpp"

namespace hexa::resilience {

class AdaptiveLimit {
 public:
  struct Options {
    int initial_limit = 10;
    int min_limit = 1;
    int max_limit = 64;
    int window = 10;          // answers per judgement, at least (and at least the limit)
    double tolerance = 1.25;  // latency up to baseline × tolerance is "at baseline"
    std::chrono::milliseconds min_delay{5};
    double timeout_share = 0.15;
    std::chrono::milliseconds timeout{0};  // the caller's timeout for one call; 0: unknown
    int baseline_windows = 30;
    std::chrono::milliseconds first_wait{0};
  };

  // A place among the calls in flight. Report how the call ended with answered() or
  // timed_out(); destroyed without either, the place is given back and nothing is learnt.
  // Must not outlive its AdaptiveLimit.
  class Permit {
   public:
    Permit(Permit&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), generation_(other.generation_), started_(other.started_) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { end(Ended::Unknown); }

    void answered() { end(Ended::Answered); }
    void timed_out() { end(Ended::TimedOut); }

   private:
    friend class AdaptiveLimit;
    enum class Ended { Answered, TimedOut, Unknown };
    Permit(AdaptiveLimit& owner, std::uint64_t generation, TimePoint started)
        : owner_(&owner), generation_(generation), started_(started) {}
    void end(Ended how) noexcept;

    AdaptiveLimit* owner_;  // not owning: null once ended or moved from
    std::uint64_t generation_;
    TimePoint started_;
  };

  // Throws std::invalid_argument on inconsistent options.
  explicit AdaptiveLimit(Options options, Clock clock = steady_clock());
  AdaptiveLimit(const AdaptiveLimit&) = delete;  // permits point at it
  AdaptiveLimit& operator=(const AdaptiveLimit&) = delete;

  // A permit, or nullopt (counted as refused) when `limit()` calls are already in flight
  // (while the callee is unknown or fast: still, after first_wait).
  std::optional<Permit> try_acquire();

  int limit() const;
  int in_flight() const;
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  // The current no-queue latency estimate; zero until a first window was judged.
  std::chrono::steady_clock::duration baseline() const;
  const Options& options() const { return options_; }

 private:
  using Duration = std::chrono::steady_clock::duration;
  void finish(const Permit& permit, Permit::Ended how);
  bool timing_out(int timeouts, int answers) const;
  void judge(int window);
  double queue_free_rise(double base) const;
  Duration baseline_locked() const;
  void set_limit(double limit);

  const Options options_;
  const Clock clock_;

  mutable std::mutex mutex_;
  std::condition_variable place_freed_;  // waited on only while waiting_ (see the top)
  bool waiting_ = true;  // a call beyond the limit may wait: callee unknown, or answering within min_delay
  double limit_;
  int in_flight_ = 0;
  std::uint64_t generation_ = 0;  // moves on each change of the whole limit
  std::optional<double> last_overloaded_;  // the limit at the last overload seen
  // The current window.
  Duration window_total_{};
  int window_answers_ = 0;
  int window_timeouts_ = 0;
  std::deque<Duration> window_averages_;  // the last baseline_windows
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace hexa::resilience
