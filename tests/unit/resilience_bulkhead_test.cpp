// Bulkhead: a fixed number of concurrent calls, refusal at once beyond it.
#include "hexa/resilience/bulkhead.hpp"

#include <gtest/gtest.h>

#include <barrier>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace {

using hexa::resilience::Bulkhead;

TEST(Bulkhead, RefusesBeyondMaxAndAdmitsAgainOnceAPermitIsReleased) {
  Bulkhead bulkhead(2);
  auto first = bulkhead.try_enter();
  auto second = bulkhead.try_enter();
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(bulkhead.try_enter());
  EXPECT_EQ(bulkhead.in_flight(), 2);
  EXPECT_EQ(bulkhead.refused(), 1u);

  first.reset();  // that call finished
  EXPECT_EQ(bulkhead.in_flight(), 1);
  EXPECT_TRUE(bulkhead.try_enter());
  EXPECT_EQ(bulkhead.in_flight(), 1) << "the temporary permit was released at once";
}

TEST(Bulkhead, MovedPermitReleasesExactlyOnce) {
  Bulkhead bulkhead(1);
  std::optional<Bulkhead::Permit> held;
  {
    auto permit = bulkhead.try_enter();
    ASSERT_TRUE(permit);
    held.emplace(std::move(*permit));
  }  // the moved-from permit is destroyed here and must not release
  EXPECT_EQ(bulkhead.in_flight(), 1);
  EXPECT_FALSE(bulkhead.try_enter());
  held.reset();
  EXPECT_EQ(bulkhead.in_flight(), 0);
}

TEST(Bulkhead, MoveAssignmentReleasesThePermitItReplaces) {
  Bulkhead bulkhead(2);
  auto a = bulkhead.try_enter();
  auto b = bulkhead.try_enter();
  ASSERT_TRUE(a && b);
  *a = std::move(*b);
  EXPECT_EQ(bulkhead.in_flight(), 1);
  a.reset();
  b.reset();
  EXPECT_EQ(bulkhead.in_flight(), 0);
}

TEST(Bulkhead, ZeroRefusesEverythingAndNegativeIsRejected) {
  Bulkhead off(0);
  EXPECT_FALSE(off.try_enter());
  EXPECT_EQ(off.refused(), 1u);
  EXPECT_THROW(Bulkhead(-1), std::invalid_argument);
}

// Eight threads try to enter a bulkhead of three at the same moment, all holding what they got:
// exactly three get in. Once they let go, the next round admits three again.
TEST(Bulkhead, AdmitsExactlyMaxAmongConcurrentThreads) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 3;
  Bulkhead bulkhead(3);
  std::barrier sync(kThreads + 1);  // the workers and this thread
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        auto permit = bulkhead.try_enter();
        sync.arrive_and_wait();  // everyone has tried, nobody has let go
        sync.arrive_and_wait();  // the main thread has counted
        permit.reset();
        sync.arrive_and_wait();  // everyone has let go
        sync.arrive_and_wait();  // the main thread has checked
      }
    });
  for (int round = 1; round <= kRounds; ++round) {
    sync.arrive_and_wait();
    EXPECT_EQ(bulkhead.in_flight(), 3);
    EXPECT_EQ(bulkhead.refused(), static_cast<std::uint64_t>(round * (kThreads - 3)));
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    EXPECT_EQ(bulkhead.in_flight(), 0);
    sync.arrive_and_wait();
  }
  for (auto& w : workers) w.join();
}

}  // namespace
