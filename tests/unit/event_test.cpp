// Event ids: unique, UUID v7 text, ordered by the millisecond they were made in (so that
// indexes keyed by event id grow at their right edge).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "hexa/events/event.hpp"

namespace {

TEST(EventId, IsAUuidVersion7AndUnique) {
  const std::regex uuid7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    auto id = hexa::new_event_id();
    ASSERT_TRUE(std::regex_match(id, uuid7)) << id;
    seen.insert(std::move(id));
  }
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(EventId, SortsByTheMillisecondItWasMadeIn) {
  const auto before = hexa::new_event_id();
  const auto start = hexa::now_ms();
  while (hexa::now_ms() < start + 2) std::this_thread::yield();  // a later millisecond
  const auto after = hexa::new_event_id();
  EXPECT_LT(before, after);
  // The first 12 hex digits are the creation time in Unix milliseconds.
  const auto ms = std::stoll(after.substr(0, 8) + after.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, start + 2);
  EXPECT_LE(ms, hexa::now_ms());
}

}  // namespace
