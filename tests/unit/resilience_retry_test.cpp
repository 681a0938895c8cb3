// RetryPolicy: exponential backoff with bounded jitter, limited by attempts and by the deadline.
#include "hexa/resilience/retry.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace {

using namespace std::chrono_literals;
using hexa::resilience::FakeClock;
using hexa::resilience::RetryPolicy;

RetryPolicy without_jitter() {
  RetryPolicy p;
  p.jitter = 0;
  return p;
}

TEST(RetryPolicy, BackoffGrowsByTheMultiplier) {
  const RetryPolicy p = without_jitter();
  std::mt19937 random(1);
  EXPECT_EQ(p.backoff(1, random), 0ms) << "the first call does not wait";
  EXPECT_EQ(p.backoff(2, random), 50ms);
  EXPECT_EQ(p.backoff(3, random), 100ms);
  EXPECT_EQ(p.backoff(4, random), 200ms);
}

TEST(RetryPolicy, BackoffIsCappedAtMaxBackoff) {
  RetryPolicy p = without_jitter();
  p.max_backoff = 1s;
  std::mt19937 random(1);
  EXPECT_EQ(p.backoff(7, random), 1s);    // 50 ms * 2^5 = 1.6 s
  EXPECT_EQ(p.backoff(500, random), 1s);  // no overflow on the way
}

TEST(RetryPolicy, JitterStaysWithinItsBoundsAndActuallySpreads) {
  const RetryPolicy p;  // 50 ms, x2, +-50%: attempt 3 is 100 ms nominal
  std::mt19937 random(42);
  std::set<long> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto wait = p.backoff(3, random);
    ASSERT_GE(wait, 50ms);
    ASSERT_LE(wait, 150ms);
    seen.insert(static_cast<long>(wait.count()));
  }
  EXPECT_LT(*seen.begin(), 60);
  EXPECT_GT(*seen.rbegin(), 140);
}

TEST(RetryPolicy, SameSeedGivesTheSameBackoffs) {
  const RetryPolicy p;
  std::mt19937 a(7), b(7);
  for (int attempt = 2; attempt < 10; ++attempt) EXPECT_EQ(p.backoff(attempt, a), p.backoff(attempt, b));
}

TEST(RetryPolicy, StopsAtMaxAttempts) {
  const RetryPolicy p;  // 3 attempts
  FakeClock time;
  const auto far = time.now() + 1h;
  EXPECT_TRUE(p.worth_retrying(2, 50ms, time.now(), far));
  EXPECT_TRUE(p.worth_retrying(3, 100ms, time.now(), far));
  EXPECT_FALSE(p.worth_retrying(4, 200ms, time.now(), far));
}

TEST(RetryPolicy, StopsWhenTheBackoffWouldReachTheDeadline) {
  const RetryPolicy p;
  FakeClock time;
  const auto deadline = time.now() + 100ms;
  EXPECT_TRUE(p.worth_retrying(2, 99ms, time.now(), deadline));
  EXPECT_FALSE(p.worth_retrying(2, 100ms, time.now(), deadline)) << "no time left for the call";
  EXPECT_FALSE(p.worth_retrying(2, 150ms, time.now(), deadline));
}

// A caller's loop against a dependency that always fails, each attempt taking 30 ms.
int attempts_made(const RetryPolicy& p, std::chrono::milliseconds budget) {
  FakeClock time;
  std::mt19937 random(3);
  const auto deadline = time.now() + budget;
  int attempt = 1;
  for (;;) {
    time.advance(30ms);  // the failed call
    const auto wait = p.backoff(attempt + 1, random);
    if (!p.worth_retrying(attempt + 1, wait, time.now(), deadline)) return attempt;
    time.advance(wait);
    ++attempt;
  }
}

TEST(RetryPolicy, RetryLoopEndsAtMaxAttemptsOrAtTheDeadline) {
  const RetryPolicy p = without_jitter();
  EXPECT_EQ(attempts_made(p, 10s), 3);
  EXPECT_EQ(attempts_made(p, 100ms), 2);  // 30 + 50 + 30, then 100 ms more would pass it
  EXPECT_EQ(attempts_made(p, 60ms), 1);   // 30 + 50 already reaches it
}

}  // namespace
