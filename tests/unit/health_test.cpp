// The health probes' view of store and bus: checked in the background, so a probe answers at
// once, and follows the store and the bus going down and coming back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "hexa/runtime/health.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

using namespace std::chrono_literals;

class SwitchableBus final : public hexa::EventBus {
 public:
  void publish(const std::vector<hexa::Event>&) override {}
  std::unique_ptr<hexa::Subscription> subscribe_batches(hexa::SubscriptionOptions, hexa::BatchHandler) override {
    return nullptr;
  }
  bool healthy() override { return up; }
  std::atomic<bool> up{true};
};

TEST(HealthMonitor, KnowsAtOnceAndFollowsTheBusDownAndBack) {
  const auto dir = std::filesystem::temp_directory_path() / ("hexa-health-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = hexa::open_store("sqlite:" + (dir / "s.db").string());
    SwitchableBus bus;
    hexa::HealthMonitor health(*store, bus, 20ms);
    EXPECT_TRUE(health.store_up());  // checked before the constructor returned
    EXPECT_TRUE(health.bus_up());
    bus.up = false;
    EXPECT_TRUE(eventually([&] { return !health.bus_up(); }));
    EXPECT_TRUE(health.store_up());
    bus.up = true;
    EXPECT_TRUE(eventually([&] { return health.bus_up(); }));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
