#include "hexa/resilience/adaptive_limit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hexa::resilience {

AdaptiveLimit::Permit& AdaptiveLimit::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    end(Ended::Unknown);
    owner_ = std::exchange(other.owner_, nullptr);
    generation_ = other.generation_;
    started_ = other.started_;
  }
  return *this;
}

void AdaptiveLimit::Permit::end(Ended how) noexcept {
  if (!owner_) return;
  owner_->finish(*this, how);
  owner_ = nullptr;
}

AdaptiveLimit::AdaptiveLimit(Options options, Clock clock)
    : options_(options), clock_(std::move(clock)), limit_(options.initial_limit) {
  if (options_.min_limit < 1 || options_.max_limit < options_.min_limit)
    throw std::invalid_argument("adaptive limit: need 1 <= min-limit <= max-limit");
  if (options_.initial_limit < options_.min_limit || options_.initial_limit > options_.max_limit)
    throw std::invalid_argument("adaptive limit: initial-limit must be within min-limit..max-limit");
  if (options_.window < 1 || options_.baseline_windows < 1)
    throw std::invalid_argument("adaptive limit: window and baseline-windows must be at least 1");
  if (options_.tolerance < 1) throw std::invalid_argument("adaptive limit: tolerance must be at least 1");
  if (options_.timeout_share < 0 || options_.timeout_share >= 1)
    throw std::invalid_argument("adaptive limit: timeout-share must be within [0, 1)");
}

std::optional<AdaptiveLimit::Permit> AdaptiveLimit::try_acquire() {
  std::unique_lock lock(mutex_);
  const auto has_place = [this] { return in_flight_ < static_cast<int>(limit_); };
  if (waiting_ && options_.first_wait.count() > 0) place_freed_.wait_for(lock, options_.first_wait, has_place);
  if (!has_place()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  ++in_flight_;
  return Permit(*this, generation_, clock_());
}

int AdaptiveLimit::limit() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(limit_);
}

int AdaptiveLimit::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

std::chrono::steady_clock::duration AdaptiveLimit::baseline() const {
  std::lock_guard lock(mutex_);
  return baseline_locked();
}

AdaptiveLimit::Duration AdaptiveLimit::baseline_locked() const {
  if (window_averages_.empty()) return {};
  return *std::min_element(window_averages_.begin(), window_averages_.end());
}

void AdaptiveLimit::finish(const Permit& permit, Permit::Ended how) {
  const auto elapsed = clock_() - permit.started_;
  std::lock_guard lock(mutex_);
  --in_flight_;
  if (waiting_) place_freed_.notify_one();
  // A call started under another limit says nothing about this one.
  if (how == Permit::Ended::Unknown || permit.generation_ != generation_) return;
  window_total_ += elapsed;
  ++window_answers_;
  if (how == Permit::Ended::TimedOut) ++window_timeouts_;
  // Timeouts feed themselves (each leaves its call queued at the callee): once they are too many
  // for the whole window, the verdict cannot change, so it is given now.
  const int window = std::max(options_.window, static_cast<int>(limit_));
  if (window_answers_ >= window || timing_out(window_timeouts_, window)) judge(window);
}

// More of `answers` calls timed out than their share, by more than chance (one standard deviation).
bool AdaptiveLimit::timing_out(int timeouts, int answers) const {
  const double tolerated = options_.timeout_share * answers;
  return timeouts > tolerated + std::sqrt(tolerated * (1 - options_.timeout_share));
}

void AdaptiveLimit::judge(int window) {
  const bool complete = window_answers_ >= window;
  const Duration average = window_total_ / window_answers_;
  const bool timed_out_too_often = timing_out(window_timeouts_, window);
  const double timeouts = static_cast<double>(window_timeouts_) / window;
  window_total_ = {}, window_answers_ = 0, window_timeouts_ = 0;
  if (complete) window_averages_.push_back(average);  // a part of a window is no baseline
  if (static_cast<int>(window_averages_.size()) > options_.baseline_windows) window_averages_.pop_front();

  const double base = std::chrono::duration<double>(baseline_locked()).count();
  const double avg = std::chrono::duration<double>(average).count();
  const double queue_free = base + queue_free_rise(base);  // what the limit aims back at
  const bool slower = avg > std::max(queue_free, base + std::chrono::duration<double>(options_.min_delay).count());
  const bool overloaded = timed_out_too_often || slower;
  const bool fast = average < std::chrono::duration_cast<Duration>(options_.min_delay);
  waiting_ = !overloaded && fast;
  if (overloaded) {
    const double factor = timed_out_too_often ? 1 - timeouts / 2 : queue_free / avg;
    last_overloaded_ = limit_;
    set_limit(limit_ * std::max(0.5, factor));
  } else if (fast) {
    set_limit(limit_ * 2);  // answered within what is not worth a refusal: room to spare
  } else if (!last_overloaded_ || limit_ + 1 < *last_overloaded_) {
    set_limit(limit_ + 1);
  } else {
    set_limit(limit_ + 1 / limit_);
  }
}

// How far above the baseline (seconds) a window's average may be and still tell of no queue:
// the tolerance, but at most half the time left before the caller's timeout.
double AdaptiveLimit::queue_free_rise(double base) const {
  const double rise = base * (options_.tolerance - 1);
  if (options_.timeout.count() <= 0) return rise;
  return std::min(rise, std::max(0.0, std::chrono::duration<double>(options_.timeout).count() - base) / 2);
}

void AdaptiveLimit::set_limit(double limit) {
  const double bounded = std::clamp(limit, double(options_.min_limit), double(options_.max_limit));
  if (static_cast<int>(bounded) != static_cast<int>(limit_)) ++generation_;
  limit_ = bounded;
  place_freed_.notify_all();  // waiting callers: there may be room now
}

}  // namespace hexa::resilience
