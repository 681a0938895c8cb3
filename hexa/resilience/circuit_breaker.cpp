#include "hexa/resilience/circuit_breaker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace hexa::resilience {
namespace {

using Options = CircuitBreaker::Options;

void require(bool ok, std::string_view name, std::string_view what) {
  if (!ok) throw std::invalid_argument(fmt::format("circuit breaker '{}': {}", name, what));
}

Options validated(std::string_view name, const Options& o) {
  require(o.window_size >= 1, name, "window_size must be at least 1");
  require(o.minimum_calls >= 1, name, "minimum_calls must be at least 1");
  require(o.permitted_calls_in_half_open >= 1, name, "permitted_calls_in_half_open must be at least 1");
  require(o.failure_rate_threshold > 0 && o.failure_rate_threshold <= 100, name,
          "failure_rate_threshold must be in (0, 100]");
  require(o.slow_call_rate_threshold > 0 && o.slow_call_rate_threshold <= 100, name,
          "slow_call_rate_threshold must be in (0, 100]");
  require(o.slow_call_duration.count() >= 0, name, "slow_call_duration must not be negative");
  require(o.wait_in_open.count() >= 0, name, "wait_in_open must not be negative");
  return o;
}

SlidingWindow::Kind kind_of(Options::WindowType t) {
  return t == Options::TimeBased ? SlidingWindow::Kind::Time : SlidingWindow::Kind::Count;
}

// resilience4j reports -1 until enough calls are in for a rate to mean anything.
double rate(int part, int calls, int minimum) {
  if (calls == 0 || calls < minimum) return -1;
  return 100.0 * part / calls;
}

}  // namespace

CircuitBreaker::CircuitBreaker(std::string name, Options options, Clock clock)
    : name_(std::move(name)), options_(validated(name_, options)), clock_(std::move(clock)),
      closed_window_(kind_of(options_.window_type), options_.window_size),
      trial_window_(SlidingWindow::Kind::Count, options_.permitted_calls_in_half_open) {}

std::string_view CircuitBreaker::state_name(State state) {
  switch (state) {
    case State::Closed: return "CLOSED";
    case State::Open: return "OPEN";
    case State::HalfOpen: return "HALF_OPEN";
  }
  return "UNKNOWN";
}

bool CircuitBreaker::try_acquire() {
  bool permitted = false;
  bool tell = false;
  {
    std::lock_guard lock(mutex_);
    permitted = acquire_locked();
    if (!permitted) ++not_permitted_;
    tell = must_publish();
  }
  if (tell) publish();
  return permitted;
}

bool CircuitBreaker::acquire_locked() {
  // Only an open breaker needs the time: the common, closed path stays a lock and a compare.
  if (state_ == State::Open) {
    const TimePoint now = clock_();
    if (now >= open_until_) move_to(State::HalfOpen, now);
  }
  switch (state_) {
    case State::Closed: return true;
    case State::Open: return false;
    case State::HalfOpen:
      if (trial_permits_left_ == 0) return false;
      --trial_permits_left_;
      return true;
  }
  return false;
}

void CircuitBreaker::release() {
  std::lock_guard lock(mutex_);
  if (state_ == State::HalfOpen && trial_permits_left_ < options_.permitted_calls_in_half_open)
    ++trial_permits_left_;
}

void CircuitBreaker::on_success(Duration elapsed) { record(false, elapsed); }
void CircuitBreaker::on_failure(Duration elapsed) { record(true, elapsed); }

void CircuitBreaker::record(bool failed, Duration elapsed) {
  const bool slow = elapsed > options_.slow_call_duration;
  bool tell = false;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_();
    // A result that arrives while OPEN belongs to a call permitted before: it is recorded, as
    // resilience4j does, but cannot move the state.
    window_->record(failed, slow, now);
    if (state_ == State::Closed) judge_closed(now);
    else if (state_ == State::HalfOpen) judge_trial(now);
    tell = must_publish();
  }
  if (tell) publish();
}

void CircuitBreaker::judge_closed(TimePoint now) {
  if (exceeded(closed_window_.totals(now), minimum_calls())) move_to(State::Open, now);
}

// The trial ends once all of its permitted calls have answered.
void CircuitBreaker::judge_trial(TimePoint now) {
  const WindowTotals totals = trial_window_.totals(now);
  const int permitted = options_.permitted_calls_in_half_open;
  if (totals.calls < permitted) return;
  move_to(exceeded(totals, permitted) ? State::Open : State::Closed, now);
}

void CircuitBreaker::move_to(State to, TimePoint now) {
  const Metrics before = metrics_locked(now);
  pending_.push_back({state_, to, before.failure_rate, before.slow_call_rate});
  state_ = to;
  switch (to) {
    case State::Open:
      open_until_ = now + options_.wait_in_open;
      break;
    case State::HalfOpen:
      trial_window_.clear();
      trial_permits_left_ = options_.permitted_calls_in_half_open;
      window_ = &trial_window_;
      break;
    case State::Closed:
      closed_window_.clear();
      window_ = &closed_window_;
      break;
  }
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

CircuitBreaker::Metrics CircuitBreaker::metrics() const {
  std::lock_guard lock(mutex_);
  return metrics_locked(clock_());
}

CircuitBreaker::Metrics CircuitBreaker::metrics_locked(TimePoint now) const {
  const WindowTotals t = window_->totals(now);
  const int minimum = window_ == &trial_window_ ? options_.permitted_calls_in_half_open : minimum_calls();
  return {rate(t.failed, t.calls, minimum), rate(t.slow, t.calls, minimum), t.calls, t.failed,
          t.slow, not_permitted_, state_};
}

int CircuitBreaker::minimum_calls() const {
  if (options_.window_type == Options::CountBased)
    return std::min(options_.minimum_calls, options_.window_size);
  return options_.minimum_calls;
}

bool CircuitBreaker::exceeded(const WindowTotals& totals, int minimum) const {
  if (totals.calls == 0 || totals.calls < minimum) return false;
  return rate(totals.failed, totals.calls, minimum) >= options_.failure_rate_threshold ||
         rate(totals.slow, totals.calls, minimum) >= options_.slow_call_rate_threshold;
}

void CircuitBreaker::on_transition(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

// One thread at a time tells the listeners, draining the queue, so they see transitions in the
// order they happened; a transition queued meanwhile by another thread (or by a listener that
// calls back into the breaker) is picked up by the loop rather than told out of order.
void CircuitBreaker::publish() {
  std::unique_lock lock(mutex_);
  if (publishing_) return;
  publishing_ = true;
  while (!pending_.empty()) {
    const Transition t = pending_.front();
    pending_.pop_front();
    const std::vector<Listener> listeners = listeners_;
    lock.unlock();
    tell(t, listeners);
    lock.lock();
  }
  publishing_ = false;
}

void CircuitBreaker::tell(const Transition& t, const std::vector<Listener>& listeners) const {
  spdlog::log(t.to == State::Open ? spdlog::level::warn : spdlog::level::info,
              "circuit breaker '{}': {} -> {} (failure rate {:.1f}%, slow call rate {:.1f}%)", name_,
              state_name(t.from), state_name(t.to), t.failure_rate, t.slow_call_rate);
  for (const auto& listener : listeners) {
    // A broken listener must not break the caller's call path nor starve the other listeners.
    try {
      listener(t.from, t.to);
    } catch (const std::exception& e) {
      spdlog::error("circuit breaker '{}': transition listener threw: {}", name_, e.what());
    } catch (...) {
      spdlog::error("circuit breaker '{}': transition listener threw", name_);
    }
  }
}

}  // namespace hexa::resilience
