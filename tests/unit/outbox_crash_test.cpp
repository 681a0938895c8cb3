// The transactional outbox under crashes: a writer process (tests/programs/outbox_writer)
// commits row + event transactions with its relay running and is killed -9 at random moments.
// Afterwards every committed row's event must be on the bus (at least once), and no event may
// be on the bus whose row is not committed (rolled back, or cut off by the kill).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "../programs/child_process.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/store/store.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

using namespace std::chrono_literals;

hexa::Schema orders() {
  return {"orders", {{"eventId", hexa::Kind::Text, true}, {"tag", hexa::Kind::Text}, {"n", hexa::Kind::Integer}}};
}

class OutboxCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hexa-outbox-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_url_ = "sqlite:" + (dir_ / "service.db").string();
    bus_url_ = "log:" + (dir_ / "bus").string();
    store_ = hexa::open_store(store_url_);
    store_->migrate(orders());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> writer_args(const std::string& tag) const {
    return {hexa::testing::helper_program("outbox_writer").string(), store_url_, bus_url_, tag};
  }
  std::int64_t rows() {
    auto tx = store_->begin(hexa::Access::Read);
    return tx->count(orders(), {});
  }
  std::set<std::string> committed_ids() {
    std::set<std::string> ids;
    auto tx = store_->begin(hexa::Access::Read);
    for (const auto& r : tx->select(orders(), {})) ids.insert(std::get<std::string>(r.at("eventId")));
    return ids;
  }

  std::filesystem::path dir_;
  std::string store_url_, bus_url_;
  std::unique_ptr<hexa::Store> store_;
};

TEST_F(OutboxCrash, KilledWritersLoseNoCommittedEventAndLeakNoUncommittedOne) {
  std::mt19937 rng(20240611);  // seeded: the same pauses before each kill, every run
  std::uniform_int_distribution<int> pause_ms(0, 150);
  for (int round = 0; round < 6; ++round) {
    const auto before = rows();
    std::string tag = "w";  // appended, not "w" + ...: dodges a GCC 12 -Wrestrict false alarm
    tag += std::to_string(round);
    hexa::testing::ChildProcess writer(writer_args(tag));
    ASSERT_TRUE(eventually([&] { return rows() > before; })) << "the writer made no progress";
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));  // the kill moment
    writer.signal(SIGKILL);
    writer.wait();
  }
  {  // a restarted service relays what its predecessors left in the outbox
    auto args = writer_args("drain");
    args.push_back("--drain");
    hexa::testing::ChildProcess drain(args);
    const int status = drain.wait();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the outbox did not drain";
  }
  EXPECT_TRUE(store_->outbox_batch(1).empty());

  // Read the whole topic back: a sentinel per key, published last, arrives after every
  // earlier event of its key.
  const std::vector<std::string> keys{"k0", "k1", "k2", "k3"};
  auto bus = hexa::open_bus(bus_url_);
  std::vector<hexa::Event> sentinels;
  for (const auto& k : keys)
    sentinels.push_back({hexa::new_event_id(), "Sentinel", hexa::now_ms(), k, "test", "orders", "{}"});
  bus->publish(sentinels);
  std::mutex mutex;
  std::multiset<std::string> on_bus;
  std::size_t sentinels_seen = 0;
  auto sub = bus->subscribe({"verify", "orders", "v1"}, [&](const hexa::Event& e) {
    std::lock_guard lock(mutex);
    if (e.type == "Sentinel") ++sentinels_seen;
    else on_bus.insert(e.id);
  });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return sentinels_seen == keys.size();
  }));
  sub.reset();

  const auto committed = committed_ids();
  const std::set<std::string> distinct(on_bus.begin(), on_bus.end());
  std::size_t missing = 0, leaked = 0;
  for (const auto& id : committed) missing += !distinct.contains(id);
  for (const auto& id : distinct) leaked += !committed.contains(id);
  EXPECT_GT(committed.size(), 1000u) << "too little was written to test anything";
  EXPECT_EQ(missing, 0u) << "committed rows whose event never reached the bus";
  EXPECT_EQ(leaked, 0u) << "events on the bus without a committed row";
  EXPECT_EQ(distinct.size(), committed.size());
  RecordProperty("rows", static_cast<int>(committed.size()));
  RecordProperty("republished", static_cast<int>(on_bus.size() - distinct.size()));
}

}  // namespace
