// CircuitBreaker: resilience4j's state machine, driven by a fake clock.
#include "hexa/resilience/circuit_breaker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using hexa::resilience::CircuitBreaker;
using hexa::resilience::FakeClock;
using State = CircuitBreaker::State;
using Options = CircuitBreaker::Options;
using ::testing::ElementsAre;
using ::testing::Pair;

// Silences the transition log for a test that makes thousands of transitions.
class QuietLog {
 public:
  QuietLog() : saved_(spdlog::get_level()) { spdlog::set_level(spdlog::level::off); }
  ~QuietLog() { spdlog::set_level(saved_); }
  QuietLog(const QuietLog&) = delete;
  QuietLog& operator=(const QuietLog&) = delete;

 private:
  spdlog::level::level_enum saved_;
};

// Ten-call window judged from the tenth call; 5 s open; 3 trial calls.
Options count_window(int size = 10, int minimum = 10) {
  Options o;
  o.window_type = Options::CountBased;
  o.window_size = size;
  o.minimum_calls = minimum;
  o.failure_rate_threshold = 50;
  o.wait_in_open = 5s;
  o.permitted_calls_in_half_open = 3;
  return o;
}

void succeed(CircuitBreaker& cb, int times, std::chrono::milliseconds took = 10ms) {
  for (int i = 0; i < times; ++i) {
    ASSERT_TRUE(cb.try_acquire());
    cb.on_success(took);
  }
}

void fail(CircuitBreaker& cb, int times, std::chrono::milliseconds took = 10ms) {
  for (int i = 0; i < times; ++i) {
    ASSERT_TRUE(cb.try_acquire());
    cb.on_failure(took);
  }
}

// Opens a breaker built with count_window(): ten failures.
void trip(CircuitBreaker& cb) {
  fail(cb, 10);
  ASSERT_EQ(cb.state(), State::Open);
}

TEST(CircuitBreaker, StaysClosedBelowMinimumCalls) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  fail(cb, 9);
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_TRUE(cb.try_acquire());
  const auto m = cb.metrics();
  EXPECT_EQ(m.buffered_calls, 9);
  EXPECT_EQ(m.failed_calls, 9);
  EXPECT_EQ(m.failure_rate, -1) << "no rate until minimum_calls are in";
}

TEST(CircuitBreaker, OpensWhenFailureRateReachesThreshold) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  succeed(cb, 5);
  fail(cb, 4);
  EXPECT_EQ(cb.state(), State::Closed);
  fail(cb, 1);  // 5 of 10: exactly the 50% threshold
  EXPECT_EQ(cb.state(), State::Open);
  EXPECT_DOUBLE_EQ(cb.metrics().failure_rate, 50);
}

TEST(CircuitBreaker, StaysClosedBelowFailureRateThreshold) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  succeed(cb, 6);
  fail(cb, 4);
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_DOUBLE_EQ(cb.metrics().failure_rate, 40);
}

TEST(CircuitBreaker, CountWindowJudgesOnlyTheLastNCalls) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(4, 4), time.clock());
  fail(cb, 1);
  succeed(cb, 4);  // the failure has slid out: 0 of the last 4
  EXPECT_EQ(cb.metrics().failed_calls, 0);
  EXPECT_EQ(cb.metrics().buffered_calls, 4);
  fail(cb, 1);
  EXPECT_EQ(cb.state(), State::Closed);  // 1 of 4
  fail(cb, 1);
  EXPECT_EQ(cb.state(), State::Open);  // 2 of 4
}

TEST(CircuitBreaker, MinimumCallsIsCappedAtCountWindowSize) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(4, 100), time.clock());
  fail(cb, 4);
  EXPECT_EQ(cb.state(), State::Open);
}

TEST(CircuitBreaker, OpensOnSlowCallRate) {
  FakeClock time;
  Options o = count_window(4, 4);
  o.slow_call_duration = 100ms;
  o.slow_call_rate_threshold = 50;
  CircuitBreaker cb("pay", o, time.clock());
  succeed(cb, 3, 100ms);  // exactly the limit is not slow
  succeed(cb, 1, 101ms);
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_DOUBLE_EQ(cb.metrics().slow_call_rate, 25);
  succeed(cb, 1, 2s);  // the last 4: 100, 100, 101 ms, 2 s
  EXPECT_EQ(cb.state(), State::Open);
  const auto m = cb.metrics();
  EXPECT_EQ(m.slow_calls, 2);
  EXPECT_DOUBLE_EQ(m.slow_call_rate, 50);
  EXPECT_DOUBLE_EQ(m.failure_rate, 0);
}

TEST(CircuitBreaker, SlowFailureCountsAsBothSlowAndFailed) {
  FakeClock time;
  Options o = count_window(2, 2);
  o.slow_call_duration = 100ms;
  o.failure_rate_threshold = 100;
  CircuitBreaker cb("pay", o, time.clock());
  succeed(cb, 1);
  fail(cb, 1, 500ms);
  const auto m = cb.metrics();
  EXPECT_EQ(m.failed_calls, 1);
  EXPECT_EQ(m.slow_calls, 1);
  EXPECT_EQ(cb.state(), State::Closed);  // 50% of each, both thresholds at 100%
}

TEST(CircuitBreaker, RejectsEveryCallWhileOpen) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  trip(cb);
  EXPECT_FALSE(cb.try_acquire());
  time.advance(4999ms);
  EXPECT_FALSE(cb.try_acquire());
  EXPECT_EQ(cb.state(), State::Open);
  EXPECT_EQ(cb.metrics().not_permitted_calls, 2u);
}

TEST(CircuitBreaker, HalfOpenAfterWaitPermitsExactlyTheTrialCalls) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  trip(cb);
  time.advance(5s);
  EXPECT_EQ(cb.state(), State::Open) << "no timer: the first call after the wait moves it";
  EXPECT_TRUE(cb.try_acquire());
  EXPECT_EQ(cb.state(), State::HalfOpen);
  EXPECT_TRUE(cb.try_acquire());
  EXPECT_TRUE(cb.try_acquire());
  EXPECT_FALSE(cb.try_acquire()) << "only 3 trial calls";
  EXPECT_EQ(cb.metrics().not_permitted_calls, 1u);
}

TEST(CircuitBreaker, ClosesWithAFreshWindowWhenTrialCallsSucceed) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  trip(cb);
  time.advance(5s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cb.try_acquire());
  cb.on_success(10ms);
  cb.on_failure(10ms);
  EXPECT_EQ(cb.state(), State::HalfOpen) << "judged only once all trial calls answered";
  cb.on_success(10ms);  // 1 of 3 failed: below 50%
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_EQ(cb.metrics().buffered_calls, 0);
  fail(cb, 9);  // the old failures are gone: needs minimum_calls again
  EXPECT_EQ(cb.state(), State::Closed);
}

TEST(CircuitBreaker, ReopensWhenTrialCallsFail) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  trip(cb);
  time.advance(5s);
  succeed(cb, 1);
  fail(cb, 2);
  EXPECT_EQ(cb.state(), State::Open);
  EXPECT_FALSE(cb.try_acquire()) << "a new full wait starts";
  time.advance(5s);
  EXPECT_TRUE(cb.try_acquire());
  EXPECT_EQ(cb.state(), State::HalfOpen);
}

TEST(CircuitBreaker, ReleasedTrialPermitCanBeUsedAgain) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  trip(cb);
  time.advance(5s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cb.try_acquire());
  cb.release();  // that call was never made
  EXPECT_TRUE(cb.try_acquire());
  EXPECT_FALSE(cb.try_acquire());
}

TEST(CircuitBreaker, LateResultWhileOpenDoesNotMoveIt) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  ASSERT_TRUE(cb.try_acquire());  // permitted while closed, answers after the breaker opened
  trip(cb);
  cb.on_success(10ms);
  EXPECT_EQ(cb.state(), State::Open);
}

TEST(CircuitBreaker, TimeWindowForgetsFailuresOlderThanItsSeconds) {
  FakeClock time;
  Options o;
  o.window_type = Options::TimeBased;
  o.window_size = 10;  // seconds
  o.minimum_calls = 5;
  CircuitBreaker cb("pay", o, time.clock());
  fail(cb, 4);
  time.advance(9s);
  EXPECT_EQ(cb.metrics().failed_calls, 4) << "still inside the 10 s window";
  time.advance(1s);
  EXPECT_EQ(cb.metrics().buffered_calls, 0);
  fail(cb, 1);
  succeed(cb, 4);  // 1 of 5; had the old failures counted it would be 5 of 9
  EXPECT_EQ(cb.state(), State::Closed);
  EXPECT_DOUBLE_EQ(cb.metrics().failure_rate, 20);
}

TEST(CircuitBreaker, TimeWindowRotatesOneSecondAtATime) {
  FakeClock time;
  Options o;
  o.window_type = Options::TimeBased;
  o.window_size = 3;
  o.minimum_calls = 100;
  CircuitBreaker cb("pay", o, time.clock());
  fail(cb, 1);
  time.advance(1s);
  fail(cb, 2);
  time.advance(1s);
  fail(cb, 3);
  EXPECT_EQ(cb.metrics().failed_calls, 6);
  time.advance(1s);
  EXPECT_EQ(cb.metrics().failed_calls, 5);
  time.advance(1s);
  EXPECT_EQ(cb.metrics().failed_calls, 3);
  time.advance(1h);
  EXPECT_EQ(cb.metrics().failed_calls, 0);
}

TEST(CircuitBreaker, TimeWindowOpensWithinItsSeconds) {
  FakeClock time;
  Options o;
  o.window_type = Options::TimeBased;
  o.window_size = 10;
  o.minimum_calls = 4;
  CircuitBreaker cb("pay", o, time.clock());
  for (int i = 0; i < 4; ++i) {
    fail(cb, 1);
    time.advance(2s);
  }
  EXPECT_EQ(cb.state(), State::Open);
}

TEST(CircuitBreaker, CountsNotPermittedCallsAcrossStates) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  trip(cb);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(cb.try_acquire());
  time.advance(5s);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(cb.try_acquire());
  EXPECT_FALSE(cb.try_acquire());
  EXPECT_EQ(cb.metrics().not_permitted_calls, 5u);
  for (int i = 0; i < 3; ++i) cb.on_success(1ms);
  EXPECT_EQ(cb.metrics().not_permitted_calls, 5u) << "a counter: closing does not reset it";
}

TEST(CircuitBreaker, TellsTransitionsInOrder) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  std::vector<std::pair<State, State>> seen;
  cb.on_transition([&](State from, State to) { seen.emplace_back(from, to); });
  trip(cb);
  time.advance(5s);
  fail(cb, 3);
  time.advance(5s);
  succeed(cb, 3);
  EXPECT_THAT(seen, ElementsAre(Pair(State::Closed, State::Open), Pair(State::Open, State::HalfOpen),
                                Pair(State::HalfOpen, State::Open), Pair(State::Open, State::HalfOpen),
                                Pair(State::HalfOpen, State::Closed)));
}

TEST(CircuitBreaker, ListenerRunsOutsideTheLock) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  std::vector<State> states_seen;
  // Would deadlock if called with the breaker's mutex held.
  cb.on_transition([&](State, State) { states_seen.push_back(cb.metrics().state); });
  trip(cb);
  EXPECT_THAT(states_seen, ElementsAre(State::Open));
}

TEST(CircuitBreaker, ThrowingListenerDoesNotStopTheOthers) {
  FakeClock time;
  CircuitBreaker cb("pay", count_window(), time.clock());
  int told = 0;
  cb.on_transition([](State, State) { throw std::runtime_error("listener bug"); });
  cb.on_transition([&](State, State) { ++told; });
  trip(cb);
  EXPECT_EQ(told, 1);
}

// Many threads failing and retrying at once: listeners still see one unbroken chain of
// transitions, each starting where the previous one ended.
TEST(CircuitBreaker, ConcurrentCallersSeeAConsistentChainOfTransitions) {
  const QuietLog quiet;
  FakeClock time;
  Options o = count_window(4, 4);
  o.wait_in_open = 0ms;  // so the chain keeps cycling without moving the clock
  CircuitBreaker cb("pay", o, time.clock());
  std::mutex m;
  std::vector<std::pair<State, State>> seen;
  cb.on_transition([&](State from, State to) {
    std::lock_guard lock(m);
    seen.emplace_back(from, to);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&cb, t] {
      for (int i = 0; i < 2000; ++i)
        if (cb.try_acquire()) (i + t) % 3 ? cb.on_failure(1ms) : cb.on_success(1ms);
    });
  for (auto& th : threads) th.join();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().first, State::Closed);
  for (std::size_t i = 1; i < seen.size(); ++i) ASSERT_EQ(seen[i].first, seen[i - 1].second) << i;
  EXPECT_EQ(seen.back().second, cb.state());
}

TEST(CircuitBreaker, RejectsNonsenseOptions) {
  Options o = count_window();
  o.window_size = 0;
  EXPECT_THROW(CircuitBreaker("pay", o), std::invalid_argument);
  o = count_window();
  o.failure_rate_threshold = 0;
  EXPECT_THROW(CircuitBreaker("pay", o), std::invalid_argument);
  o = count_window();
  o.permitted_calls_in_half_open = 0;
  EXPECT_THROW(CircuitBreaker("pay", o), std::invalid_argument);
}

TEST(CircuitBreaker, NamesStatesAsResilience4jDoes) {
  EXPECT_EQ(CircuitBreaker::state_name(State::Closed), "CLOSED");
  EXPECT_EQ(CircuitBreaker::state_name(State::Open), "OPEN");
  EXPECT_EQ(CircuitBreaker::state_name(State::HalfOpen), "HALF_OPEN");
}

}  // namespace
