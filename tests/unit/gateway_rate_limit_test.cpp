// Rate limiting per client: token buckets on a fake clock (no sleeping).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "hexa/config/config.hpp"
#include "hexa/gateway/token_bucket.hpp"
#include "hexa/resilience/clock.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::gateway::RateLimit;
using hexa::gateway::RateLimiter;
using hexa::gateway::TokenBucket;
using hexa::resilience::FakeClock;

TEST(TokenBucket, AllowsTheBurstThenRefillsAtTheRate) {
  FakeClock clock;
  TokenBucket bucket(2, 3, clock.now());  // 2 per second, 3 at once
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.take(clock.now()).allowed) << i;
  const auto refused = bucket.take(clock.now());
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 500ms) << "one token comes back every 1/2 s";
  clock.advance(499ms);
  EXPECT_FALSE(bucket.take(clock.now()).allowed);
  clock.advance(1ms);
  EXPECT_TRUE(bucket.take(clock.now()).allowed);
  EXPECT_FALSE(bucket.take(clock.now()).allowed);
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurstHoweverLongItWaits) {
  FakeClock clock;
  TokenBucket bucket(10, 2, clock.now());
  clock.advance(1h);
  EXPECT_TRUE(bucket.full(clock.now()));
  EXPECT_TRUE(bucket.take(clock.now()).allowed);
  EXPECT_TRUE(bucket.take(clock.now()).allowed);
  EXPECT_FALSE(bucket.take(clock.now()).allowed);
  EXPECT_FALSE(bucket.full(clock.now()));
}

TEST(TokenBucket, RefusedRequestsDoNotCostTokens) {
  FakeClock clock;
  TokenBucket bucket(1, 1, clock.now());
  EXPECT_TRUE(bucket.take(clock.now()).allowed);
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(bucket.take(clock.now()).allowed);
  clock.advance(1s);
  EXPECT_TRUE(bucket.take(clock.now()).allowed) << "hammering while refused does not push the wait out";
}

TEST(RateLimiter, EachClientHasItsOwnBucket) {
  FakeClock clock;
  RateLimiter limiter({1, 2}, clock.clock());
  EXPECT_TRUE(limiter.admit("sub:customer").allowed);
  EXPECT_TRUE(limiter.admit("sub:customer").allowed);
  const auto third = limiter.admit("sub:customer");
  EXPECT_FALSE(third.allowed);
  EXPECT_EQ(third.retry_after, 1000ms);
  EXPECT_TRUE(limiter.admit("sub:manager").allowed) << "another client is not slowed by the first";
  EXPECT_TRUE(limiter.admit("ip:127.0.0.1").allowed);
}

TEST(RateLimiter, ForgetsClientsWhoseBucketsAreFullAgain) {
  FakeClock clock;
  RateLimiter limiter({5, 5}, clock.clock());
  for (int i = 0; i < 100; ++i) limiter.admit("ip:10.0.0." + std::to_string(i));
  EXPECT_EQ(limiter.tracked(), 100u);
  clock.advance(31s);
  limiter.admit("ip:10.0.1.1");
  EXPECT_EQ(limiter.tracked(), 1u) << "a refilled bucket is the same as a new one";
}

TEST(RateLimiter, ZeroRateMeansNoLimit) {
  FakeClock clock;
  RateLimiter limiter({0, 0}, clock.clock());
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.admit("ip:1").allowed);
  EXPECT_EQ(limiter.tracked(), 0u);
}

hexa::Config config(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  return hexa::Config::from_string(yaml, {"default"}, [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

TEST(RateLimit, ComesFromConfigOrTheEnvironment) {
  EXPECT_FALSE(RateLimit::from(config("{}")).enabled()) << "off unless configured";
  const auto from_file = RateLimit::from(config("rate-limit: {rps: 20, burst: 40}"));
  EXPECT_EQ(from_file.rps, 20);
  EXPECT_EQ(from_file.burst, 40);
  const auto from_env = RateLimit::from(config("rate-limit: {rps: 20}", {{"RATE_LIMIT_RPS", "2.5"}}));
  EXPECT_EQ(from_env.rps, 2.5);
  EXPECT_EQ(from_env.burst, 2.5) << "the burst defaults to one second's worth";
  EXPECT_EQ(RateLimit::from(config("{}", {{"RATE_LIMIT_RPS", "0.5"}})).burst, 1) << "at least one request";
  EXPECT_EQ(RateLimit::from(config("{}", {{"RATE_LIMIT_RPS", "5"}, {"RATE_LIMIT_BURST", "7"}})).burst, 7);
  EXPECT_THROW(RateLimit::from(config("rate-limit: {rps: -1}")), std::runtime_error);
}

}  // namespace
