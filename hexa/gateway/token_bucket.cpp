#include "hexa/gateway/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hexa::gateway {
namespace {

constexpr auto kSweepEvery = std::chrono::seconds(30);

double seconds_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

TokenBucket::TokenBucket(double rps, double burst, TimePoint now)
    : rps_(rps), burst_(burst), tokens_(burst), updated_(now) {}

double TokenBucket::level(TimePoint now) const {
  if (now <= updated_) return tokens_;
  return std::min(burst_, tokens_ + seconds_between(updated_, now) * rps_);
}

Admission TokenBucket::take(TimePoint now) {
  tokens_ = level(now);
  updated_ = std::max(updated_, now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return {};
  }
  const double wait_s = (1.0 - tokens_) / rps_;
  return {false, std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait_s * 1000)))};
}

bool TokenBucket::full(TimePoint now) const { return level(now) >= burst_; }

RateLimit RateLimit::from(const Config& config) {
  RateLimit limit{config.get_double("rate-limit.rps", 0), config.get_double("rate-limit.burst", 0)};
  if (limit.rps < 0 || limit.burst < 0) throw std::runtime_error("gateway: rate-limit values must not be negative");
  if (limit.burst <= 0) limit.burst = std::max(1.0, limit.rps);
  if (limit.enabled() && limit.burst < 1) throw std::runtime_error("gateway: rate-limit.burst must be at least 1");
  return limit;
}

RateLimiter::RateLimiter(RateLimit limit, resilience::Clock clock)
    : limit_(limit), clock_(std::move(clock)), next_sweep_(clock_() + kSweepEvery) {}

Admission RateLimiter::admit(const std::string& client) {
  if (!enabled()) return {};
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  if (now >= next_sweep_) forget_full(now);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) it = buckets_.emplace(client, TokenBucket(limit_.rps, limit_.burst, now)).first;
  return it->second.take(now);
}

std::size_t RateLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

void RateLimiter::forget_full(TimePoint now) {
  std::erase_if(buckets_, [now](const auto& entry) { return entry.second.full(now); });
  next_sweep_ = now + kSweepEvery;
}

}  // namespace hexa::gateway
