#include "hexa/resilience/retry.hpp"

#include <algorithm>
#include <cmath>

namespace hexa::resilience {

std::chrono::milliseconds RetryPolicy::backoff(int attempt, std::mt19937& random) const {
  if (attempt <= 1) return std::chrono::milliseconds{0};
  // In double so many attempts cannot overflow before the cap applies.
  const double grown = static_cast<double>(initial_backoff.count()) * std::pow(multiplier, attempt - 2);
  const double nominal = std::min(grown, static_cast<double>(max_backoff.count()));
  const double spread = std::clamp(jitter, 0.0, 1.0) * nominal;
  std::uniform_real_distribution<double> pick(nominal - spread, nominal + spread);
  const double chosen = std::max(0.0, spread > 0 ? pick(random) : nominal);
  return std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(std::llround(chosen))};
}

bool RetryPolicy::worth_retrying(int attempt, std::chrono::milliseconds backoff, TimePoint now,
                                 TimePoint deadline) const {
  return attempt <= max_attempts && now + backoff < deadline;
}

}  // namespace hexa::resilience
