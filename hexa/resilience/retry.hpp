#pragma once
// When to try a failed call again, and how long to wait first: exponential backoff with
// random jitter (resilience4j's exponential random backoff), so callers that failed together
// do not all come back at the same instant. The randomness comes from the caller, so tests
// and replays are deterministic.
//
// Attempts count from 1: attempt 1 is the first call, attempt 2 the first retry.
#include <chrono>
#include <random>

#include "hexa/resilience/clock.hpp"

namespace hexa::resilience {

struct RetryPolicy {
  int max_attempts = 3;  // including the first call
  std::chrono::milliseconds initial_backoff{50};
  double multiplier = 2.0;
  double jitter = 0.5;  // the backoff is spread uniformly over +-50% of its nominal value
  // Caps the nominal backoff, so a policy with many attempts cannot grow it without bound.
  std::chrono::milliseconds max_backoff{10000};

  // The wait before `attempt`: zero for the first call, then
  // initial_backoff * multiplier^(attempt - 2), capped at max_backoff, +- jitter.
  std::chrono::milliseconds backoff(int attempt, std::mt19937& random) const;

  // Whether `attempt` should be made at all: false past max_attempts, and false when waiting
  // `backoff` from `now` would leave no time before `deadline` for the call itself.
  bool worth_retrying(int attempt, std::chrono::milliseconds backoff, TimePoint now,
                      TimePoint deadline) const;
};

}  // namespace hexa::resilience
