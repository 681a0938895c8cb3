#pragma once
// A circuit breaker for synchronous calls, with resilience4j's semantics: while CLOSED it
// judges the recent calls (the last N, or those of the last N seconds); once at least
// minimum_calls are in and the failure rate or the slow-call rate reaches its threshold it
// OPENs and refuses every call for wait_in_open. The first call after that wait moves it to
// HALF_OPEN, which lets exactly permitted_calls_in_half_open trial calls through; their results
// decide between OPEN again and CLOSED (with a fresh window).
//
// Usage, per call:   if (!cb.try_acquire()) fail fast;
//                    ... call ...; cb.on_success(elapsed) or cb.on_failure(elapsed);
//                    (or cb.release() if the permitted call was not made after all).
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/resilience/clock.hpp"
#include "hexa/resilience/sliding_window.hpp"

namespace hexa::resilience {

class CircuitBreaker {
 public:
  enum class State { Closed, Open, HalfOpen };

  struct Options {
    enum WindowType { CountBased, TimeBased };
    WindowType window_type = CountBased;
    // Calls (count-based) or seconds (time-based); resilience4j's default. Not fewer behind an
    // adaptive limit: its probes one call past the callee's capacity time out a burst of calls,
    // and 20 calls (a second of the seeds' overloaded pay) opened the breaker in about one probe
    // of two, refusing everyone 1.5 s (car rental's overload experiment, traced). A dead callee
    // still opens it within 50 calls, 10 on a fresh window (minimum-calls).
    int window_size = 100;
    double failure_rate_threshold = 50;     // percent, in (0, 100]
    double slow_call_rate_threshold = 100;  // percent, in (0, 100]
    std::chrono::milliseconds slow_call_duration{60000};  // slower than this is slow
    // Count-based windows cap this at window_size, as resilience4j does.
    int minimum_calls = 10;
    std::chrono::milliseconds wait_in_open{5000};
    int permitted_calls_in_half_open = 3;
  };

  struct Metrics {
    double failure_rate;    // percent; -1 while fewer than minimum_calls are buffered
    double slow_call_rate;  // percent; -1 likewise
    int buffered_calls;
    int failed_calls;
    int slow_calls;
    std::uint64_t not_permitted_calls;  // since construction: a counter, never reset
    State state;
  };

  using Listener = std::function<void(State from, State to)>;
  using Duration = std::chrono::steady_clock::duration;

  // Throws std::invalid_argument on options resilience4j would also reject.
  CircuitBreaker(std::string name, Options options, Clock clock = steady_clock());
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // False: the call is not permitted and must not be made (counted as not permitted).
  bool try_acquire();
  // Gives back a permit whose call was never made (e.g. a bulkhead refused it), so a
  // half-open trial is not left waiting for a result that will never come.
  void release();
  void on_success(Duration elapsed);
  void on_failure(Duration elapsed);

  // OPEN stays OPEN past wait_in_open until a call is attempted (no timer thread).
  State state() const;
  Metrics metrics() const;
  // Listeners run outside the breaker's lock, one transition at a time, in order.
  void on_transition(Listener listener);

  const std::string& name() const { return name_; }
  static std::string_view state_name(State state);

 private:
  struct Transition {
    State from;
    State to;
    double failure_rate;
    double slow_call_rate;
  };

  void record(bool failed, Duration elapsed);
  bool acquire_locked();
  void judge_closed(TimePoint now);
  void judge_trial(TimePoint now);
  void move_to(State to, TimePoint now);
  Metrics metrics_locked(TimePoint now) const;
  int minimum_calls() const;
  bool exceeded(const WindowTotals& totals, int minimum) const;
  bool must_publish() const { return !pending_.empty() && !publishing_; }
  void publish();
  void tell(const Transition& t, const std::vector<Listener>& listeners) const;

  const std::string name_;
  const Options options_;
  const Clock clock_;

  mutable std::mutex mutex_;
  State state_ = State::Closed;
  // Mutable: reading a time-based window first drops the seconds that fell out of it.
  mutable SlidingWindow closed_window_;
  mutable SlidingWindow trial_window_;     // the half-open calls
  SlidingWindow* window_ = &closed_window_;  // what metrics() reports: the one last judged
  int trial_permits_left_ = 0;
  TimePoint open_until_{};
  std::uint64_t not_permitted_ = 0;

  std::vector<Listener> listeners_;
  std::deque<Transition> pending_;  // transitions not yet told to listeners
  bool publishing_ = false;         // a thread is already telling them
};

}  // namespace hexa::resilience
