// Adaptive concurrency limit: refuses beyond the limit at once, grows while the callee answers
// at its baseline latency, shrinks when latency rises or calls time out. Time is a FakeClock.
#include "hexa/resilience/adaptive_limit.hpp"

#include <gtest/gtest.h>

#include <barrier>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using hexa::resilience::AdaptiveLimit;
using hexa::resilience::FakeClock;
using std::chrono::milliseconds;

class AdaptiveLimitTest : public ::testing::Test {
 protected:
  AdaptiveLimit& make(AdaptiveLimit::Options options = {}) {
    limit_.emplace(options, clock_.clock());
    return *limit_;
  }

  // One judged window: as many answers as it takes (calls one after another), each taking
  // `latency`; the first `timeouts` of them time out instead.
  void window(milliseconds latency, int timeouts = 0) {
    const int calls = std::max(limit_->options().window, limit_->limit());
    for (int i = 0; i < calls; ++i) {
      auto permit = limit_->try_acquire();
      ASSERT_TRUE(permit);
      clock_.advance(latency);
      i < timeouts ? permit->timed_out() : permit->answered();
    }
  }

  FakeClock clock_;
  std::optional<AdaptiveLimit> limit_;
};

TEST_F(AdaptiveLimitTest, RefusesBeyondTheLimitAtOnceAndGivesPlacesBack) {
  auto& limit = make({.initial_limit = 2});
  auto a = limit.try_acquire();
  auto b = limit.try_acquire();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limit.try_acquire());
  EXPECT_EQ(limit.refused(), 1u);
  EXPECT_EQ(limit.in_flight(), 2);
  a.reset();  // ended without an answer: the place is back, nothing learnt
  EXPECT_EQ(limit.in_flight(), 1);
  EXPECT_TRUE(limit.try_acquire());
  EXPECT_EQ(limit.limit(), 2);
}

TEST_F(AdaptiveLimitTest, MovedPermitEndsExactlyOnce) {
  auto& limit = make({.initial_limit = 1});
  std::optional<AdaptiveLimit::Permit> held;
  {
    auto permit = limit.try_acquire();
    ASSERT_TRUE(permit);
    held.emplace(std::move(*permit));
  }
  EXPECT_EQ(limit.in_flight(), 1);
  held->answered();
  held.reset();
  EXPECT_EQ(limit.in_flight(), 0);
}

TEST_F(AdaptiveLimitTest, GrowsByOnePerWindowWhileLatencyStaysAtBaseline) {
  make({.initial_limit = 10});
  window(milliseconds(500));
  EXPECT_EQ(limit_->limit(), 11);
  EXPECT_EQ(limit_->baseline(), milliseconds(500));
  window(milliseconds(510));
  window(milliseconds(490));
  EXPECT_EQ(limit_->limit(), 13);
}

TEST_F(AdaptiveLimitTest, ShrinksWhenLatencyRisesAboveBaselineTimesTolerance) {
  make({.initial_limit = 20, .tolerance = 1.25, .min_delay = milliseconds(10)});
  window(milliseconds(100));  // baseline 100 ms; 21
  window(milliseconds(120));  // within tolerance: 22
  ASSERT_EQ(limit_->limit(), 22);
  window(milliseconds(250));  // 2.5 x baseline: x 125/250
  EXPECT_EQ(limit_->limit(), 11);
  window(milliseconds(1000));  // never by more than half
  EXPECT_EQ(limit_->limit(), 5);
}

TEST_F(AdaptiveLimitTest, AFastCalleeDoublesTheLimitAndASmallRiseIsNoise) {
  make({.initial_limit = 10, .max_limit = 100, .min_delay = milliseconds(50)});
  window(milliseconds(1));
  EXPECT_EQ(limit_->limit(), 20) << "answers within min_delay: room to spare";
  window(milliseconds(20));  // 20 x baseline, but 19 ms: not a queue worth refusing for
  EXPECT_EQ(limit_->limit(), 40);
  window(milliseconds(60));  // 59 ms over the baseline: a queue, halved at most
  EXPECT_EQ(limit_->limit(), 20);
}

TEST_F(AdaptiveLimitTest, TimeoutsBeyondTheirShareShrinkTheLimit) {
  make({.initial_limit = 10, .timeout_share = 0.15});
  window(milliseconds(500), 1);  // one in ten: a slow answer, not an overload
  EXPECT_EQ(limit_->limit(), 11);
  window(milliseconds(600), 3);  // 3 of 11 timed out: x (1 - 3/11 / 2) = 9.5
  EXPECT_EQ(limit_->limit(), 9);
}

// The seeds' pay (400-620 ms against a 610 ms timeout) times out a tenth of its calls with no
// queue: 2 of 10 is chance, not an overload; it took the limit below pay's capacity for
// seconds at a time under the overload experiment.
TEST_F(AdaptiveLimitTest, TimeoutsWithinChanceOfTheirShareAreNoOverload) {
  make({.initial_limit = 10, .timeout_share = 0.15});
  window(milliseconds(500), 2);  // 2 of 10: within one standard deviation of 15%
  EXPECT_EQ(limit_->limit(), 11);
  window(milliseconds(500), 4);  // 4 of 11: beyond it
  EXPECT_LT(limit_->limit(), 11);
}

// Each timeout leaves its call queued at the callee, so the next come faster: the limit does not
// wait for the rest of the window once its timeouts alone make it an overload.
TEST_F(AdaptiveLimitTest, TimeoutsTooManyForTheWholeWindowShrinkTheLimitAtOnce) {
  make({.initial_limit = 10, .timeout_share = 0.15});
  for (int i = 0; i < 3; ++i) {  // 3 of a window of 10 (tolerated: 1.5 + 1.1)
    auto permit = limit_->try_acquire();
    ASSERT_TRUE(permit);
    EXPECT_EQ(limit_->limit(), 10) << "not judged after " << i << " timeouts";
    clock_.advance(milliseconds(610));
    permit->timed_out();
  }
  EXPECT_EQ(limit_->limit(), 8) << "x (1 - 3/10 / 2) = 8.5";
}

// A callee at 500 ms behind a 610 ms timeout: a queue that takes 60 ms is about to time out,
// though 560 ms is well within baseline x tolerance (625 ms).
TEST_F(AdaptiveLimitTest, ARiseThatEatsHalfTheTimeLeftBeforeTheTimeoutIsAnOverload) {
  make({.initial_limit = 10, .tolerance = 1.25, .min_delay = milliseconds(10), .timeout = milliseconds(610)});
  window(milliseconds(500));
  window(milliseconds(550));  // within 500 + (610 - 500) / 2
  ASSERT_EQ(limit_->limit(), 12);
  window(milliseconds(560));
  EXPECT_EQ(limit_->limit(), 11) << "x 555 / 560";
  make({.initial_limit = 10, .tolerance = 1.25, .min_delay = milliseconds(10)});  // timeout unknown
  window(milliseconds(500));
  window(milliseconds(560));
  EXPECT_EQ(limit_->limit(), 12);
}

TEST_F(AdaptiveLimitTest, AfterAnOverloadGrowsBackQuicklyThenSlowlyPastIt) {
  make({.initial_limit = 12, .tolerance = 1.25, .min_delay = milliseconds(10)});
  window(milliseconds(100));  // 13
  window(milliseconds(260));  // overloaded at 13: x 125/260 -> 6
  ASSERT_EQ(limit_->limit(), 6);
  for (int i = 0; i < 6; ++i) window(milliseconds(100));
  EXPECT_EQ(limit_->limit(), 12) << "one per window up to just under the limit that hurt";
  for (int i = 0; i < 12; ++i) window(milliseconds(100));
  EXPECT_EQ(limit_->limit(), 13) << "then about one per limit windows";
}

TEST_F(AdaptiveLimitTest, AnswersOfCallsStartedUnderAnotherLimitArePassedOver) {
  make({.initial_limit = 20});
  std::vector<AdaptiveLimit::Permit> old;
  for (int i = 0; i < 10; ++i) old.push_back(std::move(*limit_->try_acquire()));
  window(milliseconds(100));  // the other calls' window: 21
  ASSERT_EQ(limit_->limit(), 21);
  clock_.advance(milliseconds(5000));  // these started under 20: their timeouts say nothing of 21
  for (auto& p : old) p.timed_out();
  old.clear();
  window(milliseconds(100));
  EXPECT_EQ(limit_->limit(), 22);
}

TEST_F(AdaptiveLimitTest, BaselineFollowsACalleeThatBecameSlowerForGood) {
  make({.initial_limit = 10, .tolerance = 1.25, .min_delay = milliseconds(10), .baseline_windows = 3});
  window(milliseconds(10));
  for (int i = 0; i < 3; ++i) window(milliseconds(100));  // overloaded, as far as anyone can tell
  EXPECT_EQ(limit_->baseline(), milliseconds(100)) << "the fast window fell out";
  const int before = limit_->limit();
  window(milliseconds(100));
  EXPECT_EQ(limit_->limit(), before + 1);
}

TEST_F(AdaptiveLimitTest, StaysWithinItsBounds) {
  make({.initial_limit = 2, .min_limit = 2, .max_limit = 3, .min_delay = milliseconds(1)});
  for (int i = 0; i < 5; ++i) window(milliseconds(10));
  EXPECT_EQ(limit_->limit(), 3);
  for (int i = 0; i < 5; ++i) window(milliseconds(10), 10);
  EXPECT_EQ(limit_->limit(), 2);
}

TEST_F(AdaptiveLimitTest, RejectsInconsistentOptions) {
  EXPECT_THROW(AdaptiveLimit({.initial_limit = 0}), std::invalid_argument);
  EXPECT_THROW(AdaptiveLimit({.initial_limit = 5, .min_limit = 1, .max_limit = 4}), std::invalid_argument);
  EXPECT_THROW(AdaptiveLimit({.tolerance = 0.9}), std::invalid_argument);
  EXPECT_THROW(AdaptiveLimit({.timeout_share = 1}), std::invalid_argument);
}

TEST_F(AdaptiveLimitTest, BeyondTheLimitACallWaitsWhileTheCalleeIsUnknownOrFastAndIsRefusedOnceItIsSlow) {
  make({.initial_limit = 1, .window = 1, .min_delay = milliseconds(5), .first_wait = std::chrono::hours(1)});
  auto first = limit_->try_acquire();
  ASSERT_TRUE(first);
  std::optional<AdaptiveLimit::Permit> second;
  std::thread waiter([&] { second = limit_->try_acquire(); });  // waits: nothing is known yet
  clock_.advance(milliseconds(1));
  first->answered();  // a fast first window: the limit doubles, the waiter gets its place
  waiter.join();
  ASSERT_TRUE(second);
  EXPECT_EQ(limit_->limit(), 2);
  auto third = limit_->try_acquire();
  ASSERT_TRUE(third);
  std::optional<AdaptiveLimit::Permit> fourth;
  std::thread fast_waiter([&] { fourth = limit_->try_acquire(); });  // waits: the callee is fast
  clock_.advance(milliseconds(20));
  second->answered();
  third->answered();  // a slow window: the limit halves to 1, the waiter gets the place
  fast_waiter.join();
  ASSERT_TRUE(fourth);
  EXPECT_EQ(limit_->limit(), 1);
  EXPECT_FALSE(limit_->try_acquire()) << "a slow callee: refused at once (this test would hang otherwise)";
}

TEST_F(AdaptiveLimitTest, ConcurrentCallersNeverExceedTheLimit) {
  auto& limit = make({.initial_limit = 4});
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::atomic<int> admitted{0};
  std::vector<std::optional<AdaptiveLimit::Permit>> held(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      held[i] = limit.try_acquire();
      if (held[i]) ++admitted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted, 4);
  EXPECT_EQ(limit.refused(), 4u);
}

}  // namespace
