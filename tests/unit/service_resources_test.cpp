// A whole service in process, over loopback HTTP: the inbound bulkhead counted in dispatch
// (N+1 concurrent slow writes, each waiting on a slow callee, give exactly one immediate 503),
// a resource served by its natural key, and a local view that is kept but not served.
// One Service per process (it registers its logger), as ctest runs each case.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "hexa/http/client.hpp"
#include "hexa/service.hpp"
#include "support/eventually.hpp"
#include "support/server_process.hpp"

namespace {

struct Order {
  static constexpr std::string_view name = "Order";
  std::int64_t orderNumber = 0;
  std::string product;
  static hexa::Fields<Order> fields() {
    return {hexa::field("orderNumber", &Order::orderNumber, {.key = true}),
            hexa::field("product", &Order::product, {.required = true})};
  }
};

struct RoomState {
  static constexpr std::string_view name = "RoomState";
  std::int64_t roomNumber = 0;
  std::string roomStatus;
  static hexa::Fields<RoomState> fields() {
    return {hexa::field("roomNumber", &RoomState::roomNumber, {.key = true, .assigned = true}),
            hexa::field("roomStatus", &RoomState::roomStatus)};
  }
};
using RoomConditionChanged = hexa::EventOf<RoomState, "RoomConditionChanged", "roomNumber">;

namespace http = hexa::http;

class ServiceResourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("service-resources-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = hexa::testing::free_loopback_port();
    std::ofstream(dir_ / "application.yaml") << "data:\n  dir: " << (dir_ / "data").string() << "\n"
                                             << "server:\n  port: " << port_ << "\n  workers: 8\n"
                                             << "resources:\n  orders:\n    max-concurrent: 2\n"
                                             << "    busy-message: orders are busy, please try again later\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  http::Request request(http::Verb verb, const std::string& target, const std::string& body = "") {
    http::Request req{verb, target, 11};
    if (!body.empty()) {
      req.set(http::beast_http::field::content_type, "application/json");
      req.body() = body;
    }
    return req;
  }
  http::Reply send(http::Verb verb, const std::string& target, const std::string& body = "") {
    return client_.send(endpoint(), request(verb, target, body), std::chrono::seconds(5));
  }
  http::Endpoint endpoint() const { return http::Endpoint{"127.0.0.1", port_}; }

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  http::Client client_;
};

TEST_F(ServiceResourcesTest, BulkheadKeyAndLocalView) {
  const std::string config = (dir_ / "application.yaml").string();
  std::vector<std::string> args{"shop-test", "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  hexa::Service svc("shop", static_cast<int>(argv.size()), argv.data());
  std::atomic<int> entered{0};
  std::atomic<bool> release{false};
  // Slow writes: each order waits for a slow callee, outside any transaction (SQLite has one writer).
  svc.resource<Order>().guarded_by(
      [&](const Order&, std::int64_t) {
        ++entered;
        hexa::testing::eventually([&] { return release.load(); }, std::chrono::seconds(10));
      },
      [](const Order&) { return std::optional<bool>(true); }, "the callee is busy", 20000);
  svc.local_view<RoomState>("roomNumber").on<RoomConditionChanged>([](RoomState& row, const RoomConditionChanged& e) {
    row.roomStatus = e.roomStatus;
  });
  std::thread runner([&svc] { svc.run(); });
  struct Stop {  // also when an assertion returns early
    std::thread& runner;
    ~Stop() {
      pthread_kill(runner.native_handle(), SIGTERM);  // the runner waits for it (sigwait)
      runner.join();
    }
  } stop{runner};
  ASSERT_TRUE(hexa::testing::eventually([&] {
    auto r = send(http::Verb::get, "/actuator/health/liveness");
    return r.answered() && r.response.result_int() == 200;
  })) << "the service did not start";

  std::atomic<int> created{0};
  for (int i = 0; i < 2; ++i)
    client_.async_send(endpoint(), request(http::Verb::post, "/orders", R"({"product":"apple"})"),
                       std::chrono::seconds(15), [&](http::Reply r) {
                         if (!r.answered() || r.response.result_int() != 201)
                           std::cerr << "order: " << r.error << " " << r.response.result_int() << " " << r.response.body() << "\n";
                         if (r.answered() && r.response.result_int() == 201) ++created;
                       });
  ASSERT_TRUE(hexa::testing::eventually([&] { return entered == 2; }, std::chrono::seconds(10)));
  const auto started = std::chrono::steady_clock::now();
  auto busy = send(http::Verb::post, "/orders", R"({"product":"pear"})");
  const auto waited = std::chrono::steady_clock::now() - started;
  release = true;
  ASSERT_TRUE(busy.answered());
  EXPECT_EQ(busy.response.result_int(), 503);
  EXPECT_LT(waited, std::chrono::milliseconds(500)) << "refused at once, not queued";
  EXPECT_EQ(busy.response[http::beast_http::field::retry_after], "1");
  EXPECT_EQ(hexa::rest::Json::parse(busy.response.body())["message"], "orders are busy, please try again later");
  EXPECT_TRUE(hexa::testing::eventually([&] { return created == 2; }, std::chrono::seconds(10)));
  EXPECT_EQ(entered, 2) << "the refused order never reached the resource";

  auto first = send(http::Verb::get, "/orders/1");
  ASSERT_TRUE(first.answered());
  EXPECT_EQ(first.response.result_int(), 200);
  EXPECT_FALSE(hexa::rest::Json::parse(first.response.body()).contains("id"));
  EXPECT_EQ(send(http::Verb::post, "/orders", R"({"product":"pear"})").response.result_int(), 201)
      << "the places came back";
  EXPECT_EQ(send(http::Verb::get, "/roomStates").response.result_int(), 404) << "a local view is not served";
}

}  // namespace
