// The outbox relay against a bus that can be made to fail: events leave the outbox only once
// published, in commit order; failures are retried; notify() wakes it; destruction drains.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "hexa/events/outbox_relay.hpp"
#include "hexa/model/errors.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

using namespace std::chrono_literals;

// Records what is published; refuses while `down`.
class FakeBus final : public hexa::EventBus {
 public:
  void publish(const std::vector<hexa::Event>& events) override {
    std::lock_guard lock(mutex_);
    ++attempts_;
    if (down_) throw hexa::Unavailable("bus down");
    for (const auto& e : events) ids_.push_back(e.id);
  }
  std::unique_ptr<hexa::Subscription> subscribe_batches(hexa::SubscriptionOptions, hexa::BatchHandler) override {
    return nullptr;
  }
  bool healthy() override { return true; }

  void set_down(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
  }
  std::vector<std::string> ids() const {
    std::lock_guard lock(mutex_);
    return ids_;
  }
  int attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

 private:
  mutable std::mutex mutex_;
  bool down_ = false;
  int attempts_ = 0;
  std::vector<std::string> ids_;
};

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hexa-relay-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_ = hexa::open_store("sqlite:" + (dir_ / "service.db").string());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Commits `n` events, one transaction each; returns their ids in commit order.
  std::vector<std::string> commit_events(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto tx = store_->begin();
      hexa::Event e{hexa::new_event_id(), "Happened", hexa::now_ms(), "k", "test", "t", "{}"};
      tx->add_to_outbox(e);
      tx->commit();
      ids.push_back(e.id);
    }
    return ids;
  }

  std::filesystem::path dir_;
  std::unique_ptr<hexa::Store> store_;
  FakeBus bus_;
};

TEST_F(OutboxRelayTest, NotifyWakesTheRelayAtOnce) {
  // The fallback re-check is an hour away: only notify() can explain a prompt publish.
  hexa::OutboxRelay relay(*store_, bus_, {.idle_wait = std::chrono::hours(1)});
  const auto ids = commit_events(3);
  relay.notify();
  ASSERT_TRUE(eventually([&] { return bus_.ids().size() == 3; }, 5s));
  EXPECT_EQ(bus_.ids(), ids);  // commit order
  EXPECT_TRUE(eventually([&] { return store_->outbox_batch(1).empty(); }));
  EXPECT_EQ(relay.relayed(), 3u);
}

TEST_F(OutboxRelayTest, FindsEventsOfOtherProcessesWithoutNotify) {
  hexa::OutboxRelay relay(*store_, bus_, {.idle_wait = 20ms});
  const auto ids = commit_events(2);  // as if committed by another process: no notify()
  ASSERT_TRUE(eventually([&] { return bus_.ids().size() == 2; }));
  EXPECT_EQ(bus_.ids(), ids);
}

TEST_F(OutboxRelayTest, KeepsEventsWhileTheBusIsDownThenPublishesThemInOrder) {
  bus_.set_down(true);
  hexa::OutboxRelay relay(*store_, bus_, {.backoff_min = 10ms, .backoff_max = 40ms});
  const auto ids = commit_events(5);
  relay.notify();
  ASSERT_TRUE(eventually([&] { return bus_.attempts() >= 3; })) << "the relay gave up retrying";
  EXPECT_EQ(store_->outbox_batch(10).size(), 5u) << "nothing may leave the outbox unpublished";
  bus_.set_down(false);
  ASSERT_TRUE(eventually([&] { return bus_.ids().size() == 5; }));
  EXPECT_EQ(bus_.ids(), ids);
  EXPECT_TRUE(eventually([&] { return store_->outbox_batch(1).empty(); }));
}

// What /actuator/prometheus reports as hexa_outbox_events and hexa_outbox_oldest_age_seconds.
TEST_F(OutboxRelayTest, ReportsTheBacklogWhileTheBusIsDownAndNoneOnceRelayed) {
  bus_.set_down(true);
  hexa::OutboxRelay relay(*store_, bus_, {.backoff_min = 10ms, .backoff_max = 40ms});
  const auto before = hexa::now_ms();
  commit_events(4);
  relay.notify();
  ASSERT_TRUE(eventually([&] { return relay.backlog().events == 4; })) << relay.backlog().events;
  EXPECT_GE(relay.backlog().oldest_ms, before);
  EXPECT_LE(relay.backlog().oldest_ms, hexa::now_ms());
  bus_.set_down(false);
  ASSERT_TRUE(eventually([&] { return relay.backlog().events == 0; }));
  EXPECT_EQ(relay.backlog().oldest_ms, 0);
  EXPECT_EQ(relay.relayed(), 4u);
}

TEST_F(OutboxRelayTest, NotifyDoesNotCutTheBackOffShort) {
  bus_.set_down(true);
  hexa::OutboxRelay relay(*store_, bus_, {.backoff_min = 200ms, .backoff_max = 200ms});
  commit_events(1);
  relay.notify();
  ASSERT_TRUE(eventually([&] { return bus_.attempts() >= 1; }));
  // Commits keep notifying (as request threads do) while the bus is down.
  const auto until = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < until) {
    relay.notify();
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_LE(bus_.attempts(), 3) << "retries must follow the back-off, not every notify()";
}

TEST_F(OutboxRelayTest, MoreThanOneBatchIsRelayedInOrder) {
  hexa::OutboxRelay relay(*store_, bus_, {.batch = 7});
  const auto ids = commit_events(50);
  relay.notify();
  ASSERT_TRUE(eventually([&] { return bus_.ids().size() == 50; }));
  EXPECT_EQ(bus_.ids(), ids);
}

TEST_F(OutboxRelayTest, DestructionDrainsWhatIsPending) {
  std::vector<std::string> ids;
  {
    hexa::OutboxRelay relay(*store_, bus_, {.idle_wait = std::chrono::hours(1)});
    ids = commit_events(20);
  }  // no notify: the destructor's drain must find them
  EXPECT_EQ(bus_.ids(), ids);
  EXPECT_TRUE(store_->outbox_batch(1).empty());
}

TEST_F(OutboxRelayTest, DestructionDoesNotHangWhileTheBusIsDown) {
  bus_.set_down(true);
  commit_events(3);
  const auto start = std::chrono::steady_clock::now();
  {
    hexa::OutboxRelay relay(*store_, bus_, {.backoff_min = 1000ms, .backoff_max = 1000ms});
    relay.notify();
    ASSERT_TRUE(eventually([&] { return bus_.attempts() >= 1; }));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(store_->outbox_batch(10).size(), 3u) << "unpublished events stay for the next start";
}

}  // namespace
