// What the server engines (PostgreSQL, MariaDB) must do beyond the shared conformance suite:
// survive a server restart, keep the outbox in commit order, record a delivery once across
// replicas, create their database, and say clearly when a server is unreachable. Each runs on
// the throw-away servers of support/db_servers.hpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "hexa/model/errors.hpp"
#include "hexa/store/store.hpp"
#include "support/db_servers.hpp"

namespace {

using hexa::Access;
using hexa::Kind;
using hexa::Schema;
using hexa::testing::DbServer;
using hexa::testing::DbServers;
using namespace std::chrono_literals;

Schema contracts() {
  return {"contracts", {{"custName", Kind::Text}, {"amt", Kind::Integer}, {"code", Kind::Text, true, false}}};
}

hexa::Event event(const std::string& key) {
  return {hexa::new_event_id(), "ContractSigned", hexa::now_ms(), key, "contract", "carrental", "{}"};
}

class ServerStore : public ::testing::TestWithParam<DbServer::Engine> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    database_ = hexa::testing::database_name(std::string(info->name()) + "-" + std::to_string(::getpid()));
    url_ = server().url(database_);
    store_ = hexa::open_store(url_);
    store_->migrate(contracts());
  }

  DbServer& server() {
    return GetParam() == DbServer::Engine::Postgres ? DbServers::get().postgres() : DbServers::get().mariadb();
  }

  std::int64_t add(hexa::Store& store, std::int64_t amt) {
    auto tx = store.begin();
    const auto id = tx->insert(contracts(), {{"amt", amt}});
    tx->commit();
    return id;
  }

  std::string database_;
  std::string url_;
  std::unique_ptr<hexa::Store> store_;
};

TEST_P(ServerStore, ReconnectsAfterTheServerRestartsAndKeepsItsData) {
  {
    std::vector<std::unique_ptr<hexa::Transaction>> open;  // four pooled connections
    for (int i = 0; i < 4; ++i) open.push_back(store_->begin(Access::Read));
  }
  add(*store_, 1);
  server().stop_server();
  EXPECT_FALSE(store_->healthy());
  EXPECT_THROW(add(*store_, 2), hexa::Unavailable);
  server().start_server();
  // Every pooled connection is now broken; each is replaced as it is next used.
  EXPECT_TRUE(store_->healthy());
  add(*store_, 3);
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts(), {}), 2);
}

TEST_P(ServerStore, OutboxOrderIsCommitOrderSoTheRelayNeverRemovesAnUnreadEvent) {
  // The first writer starts first but commits last: its event must not hide behind the
  // relay's "removed through" mark.
  auto first = store_->begin();
  first->insert(contracts(), {{"amt", std::int64_t{1}}});
  const auto late = event("late");
  first->add_to_outbox(late);

  auto second = store_->begin();
  second->insert(contracts(), {{"amt", std::int64_t{2}}});
  const auto early = event("early");
  second->add_to_outbox(early);
  second->commit();

  auto batch = store_->outbox_batch(10);  // what a relay reads and publishes now
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].event.id, early.id);
  store_->outbox_remove_through(batch[0].seq);

  first->commit();
  batch = store_->outbox_batch(10);
  ASSERT_EQ(batch.size(), 1u) << "the later commit's event was lost";
  EXPECT_EQ(batch[0].event.id, late.id);
}

TEST_P(ServerStore, ADeliveryIsRecordedOnceAcrossReplicas) {
  // Two replicas of a consumer (two stores on one database) race for the same events.
  auto replica = hexa::open_store(url_);
  constexpr int kEvents = 50;
  std::map<int, std::atomic<int>> firsts;
  for (int e = 0; e < kEvents; ++e) firsts[e] = 0;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto& store = t % 2 ? *replica : *store_;
      for (int e = 0; e < kEvents; ++e) {
        try {
          auto tx = store.begin();
          const bool first = tx->first_delivery("mypage", "event-" + std::to_string(e));
          tx->commit();
          if (first) ++firsts[e];
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  for (const auto& [e, count] : firsts) EXPECT_EQ(count.load(), 1) << "event " << e;
}

TEST_P(ServerStore, ReadModifyWriteInAWriteTransactionLosesNoUpdate) {
  // As SQLite's single writer gives: a row read in a write transaction stays as read until it
  // commits (two handlers updating one view row must not overwrite each other).
  const auto id = add(*store_, 0);
  auto replica = hexa::open_store(url_);
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& store = t % 2 ? *replica : *store_;
      for (int i = 0; i < kEach; ++i) {
        try {
          auto tx = store.begin();
          const auto rows = tx->select(contracts(), {{{"id", id}}});
          const auto amt = std::get<std::int64_t>(rows.at(0).at("amt"));
          tx->update(contracts(), id, {{"amt", amt + 1}});
          tx->commit();
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(std::get<std::int64_t>(tx->find(contracts(), id)->at("amt")), kThreads * kEach);
}

TEST_P(ServerStore, ConcurrentDuplicatesOfAUniqueValueLeaveOneRowAndConflicts) {
  auto replica = hexa::open_store(url_);
  std::atomic<int> conflicts{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto tx = (t % 2 ? *replica : *store_).begin();
        tx->insert(contracts(), {{"code", std::string("same")}});
        tx->commit();
      } catch (const hexa::Conflict&) {
        ++conflicts;
      } catch (const std::exception&) {
        ++other_errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(conflicts.load(), 5);
  EXPECT_EQ(other_errors.load(), 0);
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts(), {{{"code", std::string("same")}}}), 1);
}

TEST_P(ServerStore, AMissingDatabaseIsCreatedAndTwoStoresMayCreateItAtOnce) {
  const auto url = server().url(database_ + "_new");
  std::unique_ptr<hexa::Store> a, b;
  std::thread other([&] { b = hexa::open_store(url); });
  a = hexa::open_store(url);
  other.join();
  a->migrate(contracts());
  b->migrate(contracts());
  add(*a, 5);
  auto tx = b->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts(), {}), 1);
}

TEST_P(ServerStore, AnUnreachableServerIsUnavailableAndABadUrlInvalid) {
  const auto port = hexa::testing::free_loopback_port();
  const std::string scheme = GetParam() == DbServer::Engine::Postgres ? "postgresql" : "mariadb";
  EXPECT_THROW(hexa::open_store(scheme + "://hexa@127.0.0.1:" + std::to_string(port) + "/x"),
               hexa::Unavailable);
  EXPECT_THROW(hexa::open_store(scheme + "://127.0.0.1/x?pool=0"), hexa::Invalid);
  EXPECT_THROW(hexa::open_store(scheme + "://127.0.0.1/"), hexa::Invalid);
  EXPECT_THROW(hexa::open_store(scheme + "://127.0.0.1/" + std::string(70, 'd')), hexa::Invalid);
}

TEST_P(ServerStore, ValuesTakeTheirColumnsKinds) {
  // A JSON number for a text field, text digits for a number: stored as the schema says.
  auto tx = store_->begin();
  const auto id = tx->insert(contracts(), {{"custName", std::int64_t{42}}, {"amt", std::string("7")}});
  const auto row = tx->find(contracts(), id);
  EXPECT_EQ(std::get<std::string>(row->at("custName")), "42");
  EXPECT_EQ(std::get<std::int64_t>(row->at("amt")), 7);
  EXPECT_THROW(tx->insert(contracts(), {{"amt", std::string("seven")}}), hexa::Invalid);
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerStore,
                         ::testing::Values(DbServer::Engine::Postgres, DbServer::Engine::Mariadb),
                         [](const auto& info) {
                           return info.param == DbServer::Engine::Postgres ? "postgres" : "mariadb";
                         });

// MariaDB indexes text only as VARCHAR(255): longer values for such a column are refused,
// not cut (PostgreSQL takes them).
TEST(MariadbStore, TextLongerThanAnIndexedColumnTakesIsInvalid) {
  auto store = hexa::open_store(DbServers::get().mariadb().url(
      hexa::testing::database_name("long-text-" + std::to_string(::getpid()))));
  store->migrate(contracts());
  auto tx = store->begin();
  tx->insert(contracts(), {{"code", std::string(255, 'x')}, {"custName", std::string(100'000, 'y')}});
  EXPECT_THROW(tx->insert(contracts(), {{"code", std::string(256, 'x')}}), hexa::Invalid);
}

}  // namespace
