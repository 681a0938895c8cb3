// LogBus specifics beyond the bus conformance suite: stable partitioning, the partition count
// kept by the log, and prompt stops.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "hexa/events/log_bus.hpp"
#include "hexa/model/errors.hpp"

namespace {

using namespace std::chrono_literals;

class LogBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hexa-logbus-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST(LogPartition, IsFnv1aOfTheKeyModN) {
  // Reference values of 32-bit FNV-1a: the same in every process, build and machine.
  EXPECT_EQ(hexa::fnv1a(""), 0x811c9dc5u);
  EXPECT_EQ(hexa::fnv1a("a"), 0xe40c292cu);
  EXPECT_EQ(hexa::fnv1a("foobar"), 0xbf9cf968u);
  hexa::Event e{"id-1", "T", 0, "foobar", "s", "t", "{}"};
  EXPECT_EQ(hexa::log_partition(e, 8), static_cast<int>(0xbf9cf968u % 8));
  e.key.clear();  // no key: spread by id
  EXPECT_EQ(hexa::log_partition(e, 8), static_cast<int>(hexa::fnv1a("id-1") % 8));
}

TEST_F(LogBusTest, KeepsThePartitionCountItWasCreatedWith) {
  const std::string url = "log:" + dir_.string();
  auto created = hexa::open_bus(url + "?partitions=4");
  EXPECT_EQ(dynamic_cast<hexa::LogBus&>(*created).partitions(), 4);
  auto reopened = hexa::open_bus(url);  // no count: the log's own
  EXPECT_EQ(dynamic_cast<hexa::LogBus&>(*reopened).partitions(), 4);
  EXPECT_THROW(hexa::open_bus(url + "?partitions=8"), hexa::Invalid);
  EXPECT_THROW(hexa::open_bus("log:" + (dir_ / "x").string() + "?partitions=0"), hexa::Invalid);
  EXPECT_THROW(hexa::open_bus("nats://localhost"), hexa::Invalid);
}

TEST_F(LogBusTest, RefusesEventsWithoutATopic) {
  auto bus = hexa::open_bus("log:" + dir_.string());
  EXPECT_THROW(bus->publish({hexa::Event{"id", "T", 0, "k", "s", "", "{}"}}), hexa::Invalid);
  EXPECT_TRUE(bus->healthy());
}

TEST_F(LogBusTest, ASubscriptionStopsPromptlyAndReleasesItsPartitions) {
  auto bus = hexa::open_bus("log:" + dir_.string());
  std::atomic<int> first{0}, second{0};
  auto sub = bus->subscribe({"g", "t", "m1"}, [&](const hexa::Event&) { ++first; });
  bus->publish({hexa::Event{hexa::new_event_id(), "T", 0, "k", "s", "t", "{}"}});
  ASSERT_TRUE([&] {
    for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(2ms))
      if (first == 1) return true;
    return false;
  }());
  const auto start = std::chrono::steady_clock::now();
  sub.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  // Its partitions are free at once: a new member takes over and goes on from its position.
  auto next = bus->subscribe({"g", "t", "m2"}, [&](const hexa::Event&) { ++second; });
  bus->publish({hexa::Event{hexa::new_event_id(), "T", 0, "k", "s", "t", "{}"}});
  ASSERT_TRUE([&] {
    for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(2ms))
      if (second == 1) return true;
    return false;
  }());
  EXPECT_EQ(first, 1);
}

}  // namespace
