// Seed rows from configuration (seed.<collection>, hexa/runtime/seed_rows.hpp), on a service run
// in process: created once at start-up through the resource's own validation and on_created,
// left alone on a restart and by a second replica, and a wrong seed stops start-up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hexa/service.hpp"
#include "hexa/testing/in_process.hpp"

namespace {

struct Stock {
  static constexpr std::string_view name = "Stock";
  std::int64_t productId = 0;
  std::string productName;
  std::int64_t qty = 0;
  static hexa::Fields<Stock> fields() {
    return {hexa::field("productId", &Stock::productId, {.key = true, .assigned = true}),
            hexa::field("productName", &Stock::productName),
            hexa::field("qty", &Stock::qty, {.required = true, .min = 0})};
  }
};
using StockAdded = hexa::EventOf<Stock, "StockAdded", "productId">;

struct Order {  // numbered by the framework
  static constexpr std::string_view name = "Order";
  std::int64_t id = 0;
  std::string product;
  static hexa::Fields<Order> fields() { return {hexa::field("id", &Order::id), hexa::field("product", &Order::product)}; }
};

void declare(hexa::Service& svc) {
  svc.resource<Stock>().post_updates_by_key().on_created(
      [](Stock& s, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<StockAdded>(s)); });
  svc.resource<Order>();
}

class SeedRows : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("seed-rows-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  hexa::testing::Options with(const std::string& yaml) {
    const auto file = dir_ / "application.yaml";
    std::ofstream(file) << yaml;
    return {.config_file = file.string(), .store_url = "sqlite:" + (dir_ / "shop.db").string()};
  }

  std::filesystem::path dir_;
};

const char* kTwoStocks =
    "seed:\n"
    "  stocks:\n"
    "    - {productId: 1, productName: TV, qty: 10}\n"
    "    - productId: 2\n"
    "      productName: \"라디오\"\n"
    "      qty: 5\n";

TEST_F(SeedRows, CreatedAtStartThroughTheResourceOnce) {
  const auto options = with(kTwoStocks);
  {
    hexa::testing::InProcess shop("shop", declare, options);
    auto tv = shop.get("/stocks/1");
    ASSERT_EQ(tv.status, 200) << tv.body;
    EXPECT_EQ(tv.json()["qty"], 10);
    EXPECT_EQ(tv.json()["productName"], "TV");
    EXPECT_EQ(shop.get("/stocks/2").json()["productName"], "라디오");
    EXPECT_EQ(shop.raised("StockAdded").size(), 2u) << "on_created ran, as for a POST";
    ASSERT_EQ(shop.post("/stocks", {{"productId", 1}, {"productName", "TV"}, {"qty", 3}}).status, 200);
  }
  hexa::testing::InProcess restarted("shop", declare, options);  // a restart, or another replica
  EXPECT_EQ(restarted.get("/stocks/1").json()["qty"], 3) << "a seeded row already there is left alone";
  EXPECT_EQ(restarted.get("/stocks").json()["page"]["totalElements"], 2);
  EXPECT_EQ(restarted.raised("StockAdded").size(), 2u) << "nothing raised again";
}

TEST_F(SeedRows, TwoReplicasAtOnceSeedOnce) {
  const auto options = with(kTwoStocks);
  hexa::testing::InProcess first("shop", declare, options);
  hexa::testing::InProcess second("shop", declare, options);
  EXPECT_EQ(second.get("/stocks").json()["page"]["totalElements"], 2);
  EXPECT_EQ(second.raised("StockAdded").size(), 2u);
}

void expect_start_refused(const hexa::testing::Options& options, const std::string& needle) {
  try {
    hexa::testing::InProcess shop("shop", declare, options);
    ADD_FAILURE() << "started, expected a refusal naming " << needle;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST_F(SeedRows, AWrongSeedStopsStartUp) {
  expect_start_refused(with("seed:\n  stocks:\n    - {productId: 1, qtty: 10}\n"), "seed.stocks.0.qtty");
  expect_start_refused(with("seed:\n  stokcs:\n    - {productId: 1, qty: 10}\n"), "seed.stokcs");
  expect_start_refused(with("seed:\n  stocks:\n    - {productId: 1, qty: -1}\n"), "'qty' must be at least 0");
  expect_start_refused(with("seed:\n  stocks:\n    - {qty: 1}\n"), "needs its key 'productId'");
  expect_start_refused(with("seed:\n  orders:\n    - {id: 1, product: x}\n"), "numbers its items itself");
}

TEST_F(SeedRows, NoSeedNoRows) {
  hexa::testing::InProcess shop("shop", declare, with("resources: {}\n"));
  EXPECT_EQ(shop.get("/stocks").json()["page"]["totalElements"], 0);
}

}  // namespace
