#include "hexa/resilience/sliding_window.hpp"

#include <algorithm>
#include <stdexcept>

namespace hexa::resilience {

SlidingWindow::SlidingWindow(Kind kind, int size) : kind_(kind) {
  if (size < 1) throw std::invalid_argument("a sliding window needs at least one bucket");
  buckets_.resize(static_cast<std::size_t>(size));
}

void SlidingWindow::record(bool failed, bool slow, TimePoint now) {
  const std::int64_t slot = kind_ == Kind::Count ? ++last_call_ : slot_of(now);
  advance_to(slot);
  // A late result stamped before head_ (time-based) still lands in the current bucket.
  const WindowTotals one{1, failed ? 1 : 0, slow ? 1 : 0};
  bucket(head_) += one;
  sum_ += one;
}

WindowTotals SlidingWindow::totals(TimePoint now) {
  if (kind_ == Kind::Time) advance_to(slot_of(now));
  return sum_;
}

void SlidingWindow::clear() {
  std::fill(buckets_.begin(), buckets_.end(), WindowTotals{});
  sum_ = {};
}

// Empties every bucket between the old head and `slot`: those calls or seconds left the window.
void SlidingWindow::advance_to(std::int64_t slot) {
  if (slot <= head_) return;
  const auto size = static_cast<std::int64_t>(buckets_.size());
  const std::int64_t stale = std::min(slot - head_, size);
  for (std::int64_t i = 1; i <= stale; ++i) {
    WindowTotals& b = bucket(head_ + i);
    sum_ -= b;
    b = {};
  }
  head_ = slot;
}

std::int64_t SlidingWindow::slot_of(TimePoint now) const {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

WindowTotals& SlidingWindow::bucket(std::int64_t slot) {
  const auto size = static_cast<std::int64_t>(buckets_.size());
  return buckets_[static_cast<std::size_t>(((slot % size) + size) % size)];
}

}  // namespace hexa::resilience
