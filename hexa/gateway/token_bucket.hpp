#pragma once
// Private to hexa/gateway: rate limiting per client with token buckets. A bucket holds up to
// `burst` tokens and refills at `rps` per second; each request takes one. Time is read through
// a Clock so tests move it by hand.
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hexa/config/config.hpp"
#include "hexa/resilience/clock.hpp"

namespace hexa::gateway {

using resilience::TimePoint;

struct Admission {
  bool allowed = true;
  std::chrono::milliseconds retry_after{0};  // when refused: until a token is back
};

class TokenBucket {
 public:
  TokenBucket(double rps, double burst, TimePoint now);  // starts full
  Admission take(TimePoint now);
  bool full(TimePoint now) const;  // a full bucket says nothing a new one would not

 private:
  double level(TimePoint now) const;

  double rps_;
  double burst_;
  double tokens_;
  TimePoint updated_;
};

struct RateLimit {
  double rps = 0;    // 0: no limit
  double burst = 0;  // requests allowed at once; defaults to max(1, rps)
  bool enabled() const { return rps > 0; }
  // rate-limit.rps (RATE_LIMIT_RPS) and rate-limit.burst (RATE_LIMIT_BURST).
  static RateLimit from(const Config& config);
};

// One bucket per client key, thread-safe. Buckets that have refilled are dropped now and then,
// so a stream of one-off clients cannot grow the table without bound.
class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit, resilience::Clock clock = resilience::steady_clock());
  bool enabled() const { return limit_.enabled(); }
  Admission admit(const std::string& client);
  std::size_t tracked() const;

 private:
  void forget_full(TimePoint now);

  RateLimit limit_;
  resilience::Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, TokenBucket> buckets_;
  TimePoint next_sweep_;
};

}  // namespace hexa::gateway
