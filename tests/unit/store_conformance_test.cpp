// The store port's contract, written once and run against every engine. To add an engine,
// add one line to kTargets (e.g. a PostgreSQL URL built from the test's id).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "hexa/model/errors.hpp"
#include "hexa/store/store.hpp"
#include "support/db_servers.hpp"

namespace {

using hexa::Access;
using hexa::Kind;
using hexa::Query;
using hexa::Record;
using hexa::Schema;
using hexa::Value;

struct StoreTarget {
  std::string name;
  // A URL of a fresh, empty database for the test `id` inside the scratch folder `dir`.
  std::function<std::string(const std::filesystem::path& dir, const std::string& id)> url;
};

// Test output names the target, not the struct's bytes.
void PrintTo(const StoreTarget& target, std::ostream* os) { *os << target.name; }

// The server engines run on throw-away servers this program starts (support/db_servers.hpp),
// one database per test id.
const StoreTarget kTargets[] = {
    {"sqlite", [](const auto& dir, const auto& id) { return "sqlite:" + (dir / (id + ".db")).string(); }},
    {"postgres", [](const auto&, const auto& id) {
       return hexa::testing::DbServers::get().postgres().url(hexa::testing::database_name(id));
     }},
    {"mariadb", [](const auto&, const auto& id) {
       return hexa::testing::DbServers::get().mariadb().url(hexa::testing::database_name(id));
     }},
};

Schema contracts_v1() {
  return {"contracts",
          {{"custName", Kind::Text}, {"amt", Kind::Integer}, {"code", Kind::Text, true, false}}};
}

Schema contracts_v2() {  // v1 plus two columns
  auto s = contracts_v1();
  s.columns.push_back({"rate", Kind::Real});
  s.columns.push_back({"active", Kind::Boolean, false, true});
  return s;
}

hexa::Event event(const std::string& key) {
  return {hexa::new_event_id(), "ContractSigned", hexa::now_ms(), key, "contract", "carrental",
          R"({"amt":1})"};
}

class StoreConformance : public ::testing::TestWithParam<StoreTarget> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    id_ = std::string(info->name()) + "-" + std::to_string(::getpid());
    for (char& c : id_) if (c == '/') c = '_';
    dir_ = std::filesystem::temp_directory_path() / ("hexa-store-" + id_);
    std::filesystem::remove_all(dir_);
    url_ = GetParam().url(dir_ / "db", id_);  // the engine must create missing folders
    store_ = hexa::open_store(url_);
    store_->migrate(contracts_v2());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::int64_t add(const std::string& name, std::int64_t amt, const std::string& code) {
    auto tx = store_->begin();
    auto id = tx->insert(contracts_v2(), {{"custName", name}, {"amt", amt}, {"code", code}});
    tx->commit();
    return id;
  }

  std::vector<std::int64_t> amounts(const Query& q) {
    std::vector<std::int64_t> out;
    auto tx = store_->begin(Access::Read);
    for (const auto& r : tx->select(contracts_v2(), q)) out.push_back(std::get<std::int64_t>(r.at("amt")));
    return out;
  }

  std::string id_;
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<hexa::Store> store_;
};

TEST_P(StoreConformance, MigrateIsIdempotentAndAddingAColumnKeepsData) {
  auto fresh = hexa::open_store(GetParam().url(dir_, "migrate-" + id_));
  fresh->migrate(contracts_v1());
  fresh->migrate(contracts_v1());
  std::int64_t id = 0;
  {
    auto tx = fresh->begin();
    id = tx->insert(contracts_v1(), {{"custName", std::string("Kim")}, {"amt", std::int64_t{7}}});
    tx->commit();
  }
  fresh->migrate(contracts_v2());
  fresh->migrate(contracts_v2());
  auto tx = fresh->begin();
  auto row = tx->find(contracts_v2(), id);
  ASSERT_TRUE(row);
  EXPECT_EQ(std::get<std::string>(row->at("custName")), "Kim");
  EXPECT_EQ(std::get<std::int64_t>(row->at("amt")), 7);
  EXPECT_TRUE(hexa::is_null(row->at("rate")));
  EXPECT_TRUE(tx->update(contracts_v2(), id, {{"rate", 0.5}, {"active", true}}));
  row = tx->find(contracts_v2(), id);
  EXPECT_DOUBLE_EQ(std::get<double>(row->at("rate")), 0.5);
  EXPECT_EQ(std::get<bool>(row->at("active")), true);
}

TEST_P(StoreConformance, InsertFindUpdateRemove) {
  auto tx = store_->begin();
  const auto id = tx->insert(contracts_v2(), {{"custName", std::string("Lee")},
                                              {"amt", std::int64_t{100}},
                                              {"rate", 1.25},
                                              {"active", false}});
  EXPECT_GT(id, 0);
  auto row = tx->find(contracts_v2(), id);
  ASSERT_TRUE(row);
  EXPECT_EQ(std::get<std::int64_t>(row->at("id")), id);
  EXPECT_EQ(std::get<std::string>(row->at("custName")), "Lee");
  EXPECT_DOUBLE_EQ(std::get<double>(row->at("rate")), 1.25);
  EXPECT_EQ(std::get<bool>(row->at("active")), false);  // a bool, not 0
  EXPECT_TRUE(hexa::is_null(row->at("code")));

  EXPECT_TRUE(tx->update(contracts_v2(), id, {{"amt", std::int64_t{200}}}));
  row = tx->find(contracts_v2(), id);
  EXPECT_EQ(std::get<std::int64_t>(row->at("amt")), 200);
  EXPECT_EQ(std::get<std::string>(row->at("custName")), "Lee");  // untouched by the update
  EXPECT_FALSE(tx->update(contracts_v2(), id + 1000, {{"amt", std::int64_t{1}}}));

  EXPECT_TRUE(tx->remove(contracts_v2(), id));
  EXPECT_FALSE(tx->remove(contracts_v2(), id));
  EXPECT_FALSE(tx->find(contracts_v2(), id));
  tx->commit();
}

TEST_P(StoreConformance, SelectFiltersSortsPagesAndCounts) {
  add("Kim", 30, "a");
  add("Lee", 10, "b");
  add("Kim", 20, "c");
  {
    auto tx = store_->begin();
    tx->insert(contracts_v2(), {{"custName", Value{}}, {"amt", std::int64_t{40}}});
    tx->commit();
  }
  EXPECT_EQ(amounts({}), (std::vector<std::int64_t>{30, 10, 20, 40}));  // by id
  EXPECT_EQ(amounts({{{"custName", std::string("Kim")}}}), (std::vector<std::int64_t>{30, 20}));
  EXPECT_EQ(amounts({{{"custName", Value{}}}}), (std::vector<std::int64_t>{40}));
  EXPECT_EQ(amounts({{}, {{"amt"}}}), (std::vector<std::int64_t>{10, 20, 30, 40}));
  EXPECT_EQ(amounts({{}, {{"amt", true}}}), (std::vector<std::int64_t>{40, 30, 20, 10}));
  EXPECT_EQ(amounts({{}, {{"id", true}}}), (std::vector<std::int64_t>{40, 20, 10, 30}));
  EXPECT_EQ(amounts({{}, {{"amt"}}, 1, 2}), (std::vector<std::int64_t>{20, 30}));
  EXPECT_EQ(amounts({{}, {{"amt"}}, 3, 10}), (std::vector<std::int64_t>{40}));
  EXPECT_EQ(amounts({{{"custName", std::string("Kim")}, {"amt", std::int64_t{20}}}}),
            (std::vector<std::int64_t>{20}));

  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts_v2(), {}), 4);
  EXPECT_EQ(tx->count(contracts_v2(), {{{"custName", std::string("Kim")}}}), 2);
  EXPECT_EQ(tx->count(contracts_v2(), {{{"custName", Value{}}}}), 1);
  EXPECT_EQ(tx->count(contracts_v2(), {{{"custName", std::string("Park")}}}), 0);
}

// Money keeps its digits (a double would turn 1000.50 into 1000.5, and round the long one);
// a timestamp comes back as the same millisecond and sorts as time.
TEST_P(StoreConformance, DecimalsStayExactAndTimestampsKeepTheirMillisecond) {
  const Schema payments{"payments", {{"amount", Kind::Decimal}, {"paidAt", Kind::Timestamp, false, true}}};
  store_->migrate(payments);
  const hexa::Timestamp later(1'796'195'730'123), earlier(1'764'659'730'001);
  auto tx = store_->begin();
  const auto a = tx->insert(payments, {{"amount", hexa::Decimal("1000.50")}, {"paidAt", later}});
  const auto b = tx->insert(payments, {{"amount", hexa::Decimal("-12345678901234567890.123456789")},
                                       {"paidAt", earlier}});
  tx->insert(payments, {{"amount", Value{}}, {"paidAt", Value{}}});
  tx->commit();

  auto read = store_->begin(Access::Read);
  auto row = read->find(payments, a);
  ASSERT_TRUE(row);
  EXPECT_EQ(std::get<hexa::Decimal>(row->at("amount")).text(), "1000.50");
  EXPECT_EQ(std::get<hexa::Timestamp>(row->at("paidAt")), later);
  EXPECT_EQ(std::get<hexa::Decimal>(read->find(payments, b)->at("amount")).text(),
            "-12345678901234567890.123456789");
  const auto by_time = read->select(payments, {{}, {{"paidAt"}}});
  ASSERT_EQ(by_time.size(), 3u);
  EXPECT_TRUE(hexa::is_null(by_time[0].at("paidAt")));  // nulls first, as every engine sorts
  EXPECT_EQ(std::get<std::int64_t>(by_time[1].at("id")), b);
  const auto found = read->select(payments, {{{"paidAt", later}, {"amount", hexa::Decimal("1000.50")}}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(found[0].at("id")), a);
}

TEST_P(StoreConformance, DecimalsSortAsNumbers) {
  const Schema prices{"prices", {{"amount", Kind::Decimal}}};
  store_->migrate(prices);
  auto tx = store_->begin();
  for (const char* amount : {"200", "1000.50", "-3", "99.9", "1000.5001"})
    tx->insert(prices, {{"amount", hexa::Decimal(amount)}});
  std::vector<std::string> sorted;
  for (const auto& row : tx->select(prices, {{}, {{"amount", true}}}))
    sorted.push_back(std::get<hexa::Decimal>(row.at("amount")).text());
  EXPECT_EQ(sorted, (std::vector<std::string>{"1000.5001", "1000.50", "200", "99.9", "-3"}));
}

TEST_P(StoreConformance, UnknownFieldsAreInvalidAndNamed) {
  add("Kim", 1, "a");
  auto tx = store_->begin();
  try {
    tx->select(contracts_v2(), {{}, {{"custname"}}});  // wrong case: not a column
    FAIL() << "sorting by an unknown field must throw";
  } catch (const hexa::Invalid& e) {
    EXPECT_NE(std::string(e.what()).find("custname"), std::string::npos) << e.what();
    EXPECT_EQ(e.status(), 400);
  }
  EXPECT_THROW(tx->select(contracts_v2(), {{{"nope", std::int64_t{1}}}}), hexa::Invalid);
  EXPECT_THROW(tx->insert(contracts_v2(), {{"nope", std::int64_t{1}}}), hexa::Invalid);
}

TEST_P(StoreConformance, UniqueColumnRejectsADuplicate) {
  add("Kim", 1, "same");
  auto tx = store_->begin();
  EXPECT_THROW(tx->insert(contracts_v2(), {{"custName", std::string("Lee")}, {"code", std::string("same")}}),
               hexa::Conflict);
}

TEST_P(StoreConformance, DestroyingATransactionRollsBackRowsAndOutbox) {
  {
    auto tx = store_->begin();
    tx->insert(contracts_v2(), {{"custName", std::string("Ghost")}});
    tx->add_to_outbox(event("1"));
  }  // no commit
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts_v2(), {}), 0);
  EXPECT_TRUE(store_->outbox_batch(10).empty());
}

TEST_P(StoreConformance, CommitKeepsRowsAndOutboxEventsInOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto tx = store_->begin();
    tx->insert(contracts_v2(), {{"amt", std::int64_t{i}}});
    auto e = event(std::to_string(i));
    e.payload = "{\"text\":\"계약 " + std::to_string(i) + "\"}";
    tx->add_to_outbox(e);
    ids.push_back(e.id);
    tx->commit();
  }
  auto batch = store_->outbox_batch(10);
  ASSERT_EQ(batch.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(batch[i].event.id, ids[i]);
    EXPECT_EQ(batch[i].event.key, std::to_string(i));
    EXPECT_EQ(batch[i].event.type, "ContractSigned");
    EXPECT_EQ(batch[i].event.topic, "carrental");
    EXPECT_EQ(batch[i].event.payload, "{\"text\":\"계약 " + std::to_string(i) + "\"}");
    if (i > 0) {
      EXPECT_GT(batch[i].seq, batch[i - 1].seq);
    }
  }
  EXPECT_EQ(store_->outbox_batch(2).size(), 2u);
  store_->outbox_remove_through(batch[1].seq);
  auto rest = store_->outbox_batch(10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].event.id, ids[2]);
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts_v2(), {}), 3);
}

TEST_P(StoreConformance, FirstDeliveryIsTrueOnceAndRollsBack) {
  {
    auto tx = store_->begin();
    EXPECT_TRUE(tx->first_delivery("mypage", "e1"));
    EXPECT_FALSE(tx->first_delivery("mypage", "e1"));  // same transaction
    tx->commit();
  }
  {
    auto tx = store_->begin();
    EXPECT_FALSE(tx->first_delivery("mypage", "e1"));
    EXPECT_TRUE(tx->first_delivery("pay", "e1"));  // per consumer
    EXPECT_TRUE(tx->first_delivery("mypage", "e2"));
  }  // rolled back: e2 (and pay/e1) were not handled after all
  auto tx = store_->begin();
  EXPECT_TRUE(tx->first_delivery("mypage", "e2"));
  EXPECT_TRUE(tx->first_delivery("pay", "e1"));
}

TEST_P(StoreConformance, ConcurrentWritersAllSucceed) {
  // Two store objects on one database behave like two processes: their writers meet in the
  // engine's own locking, not only in one object's queue.
  auto second = hexa::open_store(url_);
  constexpr int kThreads = 8, kEach = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      auto& store = t % 2 ? *second : *store_;
      for (int i = 0; i < kEach; ++i) {
        try {
          auto tx = store.begin();
          tx->insert(contracts_v2(), {{"amt", std::int64_t{t * 1000 + i}}});
          tx->add_to_outbox(event(std::to_string(t)));
          tx->commit();
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(tx->count(contracts_v2(), {}), kThreads * kEach);
  EXPECT_EQ(store_->outbox_batch(10'000).size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST_P(StoreConformance, AWaitingWriterIsNotStarvedByABusyOne) {
  // As the outbox relay next to a request thread committing in a tight loop.
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    while (!stop) {
      auto tx = store_->begin();
      tx->insert(contracts_v2(), {{"amt", std::int64_t{1}}});
      tx->commit();
    }
  });
  std::vector<std::chrono::steady_clock::duration> waits;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto tx = store_->begin();
    tx->insert(contracts_v2(), {{"amt", std::int64_t{2}}});
    tx->commit();
    waits.push_back(std::chrono::steady_clock::now() - start);
  }
  stop = true;
  busy.join();
  std::sort(waits.begin(), waits.end());
  EXPECT_LT(waits[waits.size() / 2], std::chrono::milliseconds(50)) << "median wait for the write lock";
}

TEST_P(StoreConformance, ATransactionMayEndOnAnotherThread) {
  // Begun on this thread, committed on a worker: what a thread pool handing work over does.
  auto tx = store_->begin();
  tx->insert(contracts_v2(), {{"amt", std::int64_t{1}}});
  std::thread([&] { tx->commit(); tx.reset(); }).join();
  {
    auto rolled_back = store_->begin();
    rolled_back->insert(contracts_v2(), {{"amt", std::int64_t{2}}});
    std::thread([&] { rolled_back.reset(); }).join();
  }
  auto next = store_->begin();  // the write lock was released by the other threads
  EXPECT_EQ(next->count(contracts_v2(), {}), 1);
}

TEST_P(StoreConformance, KoreanTextRoundTrips) {
  const std::string name = "김철수 — 서울특별시 강남구 🚗";
  const auto id = add(name, 1, "코드");
  auto tx = store_->begin(Access::Read);
  EXPECT_EQ(std::get<std::string>(tx->find(contracts_v2(), id)->at("custName")), name);
  auto rows = tx->select(contracts_v2(), {{{"custName", name}}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rows[0].at("code")), "코드");
}

TEST_P(StoreConformance, IsHealthy) { EXPECT_TRUE(store_->healthy()); }

INSTANTIATE_TEST_SUITE_P(Engines, StoreConformance, ::testing::ValuesIn(kTargets),
                         [](const auto& info) { return info.param.name; });

}  // namespace
