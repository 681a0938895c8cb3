// Inbound bulkhead: at most N writes in flight on a resource, counted before they wait for a
// worker; one more is refused at once, never queued.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>

#include "hexa/model/errors.hpp"
#include "hexa/runtime/inbound_bulkhead.hpp"
#include "hexa/runtime/worker_pool.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::http::Verb;

TEST(InboundBulkheadTest, NPlusOneSlowWritesGiveExactlyOneImmediate503) {
  hexa::InboundBulkheads bulkheads;
  bulkheads.limit("orders", 3, "orders are busy, please try again later");
  hexa::WorkerPool workers(8);
  std::latch release(1);
  std::atomic<int> done{0};
  int refused = 0;
  std::string message;
  // As Service::dispatch does: admitted on the I/O thread, then handled (slowly) by a worker.
  for (int i = 0; i < 4; ++i) {
    try {
      auto permit = bulkheads.admit(Verb::post, "/orders");
      workers.post([permit, &release, &done] {
        release.wait();
        ++done;
      });
    } catch (const hexa::Unavailable& e) {
      ++refused;
      message = e.what();
      EXPECT_EQ(done, 0) << "refused while the others are still in flight";
    }
  }
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(message, "orders are busy, please try again later");
  EXPECT_EQ(bulkheads.admit(Verb::get, "/orders"), nullptr) << "reads are not counted";
  EXPECT_EQ(bulkheads.admit(Verb::post, "/deliveries"), nullptr) << "other resources are not limited";
  EXPECT_THROW(bulkheads.admit(Verb::patch, "/orders/1?x=1"), hexa::Unavailable) << "items of the resource count too";
  release.count_down();
  ASSERT_TRUE(hexa::testing::eventually([&] { return done == 3; }));
  // The permits go back once the handlers are gone.
  ASSERT_TRUE(hexa::testing::eventually([&] {
    try {
      return bulkheads.admit(Verb::post, "/orders") != nullptr;
    } catch (const hexa::Unavailable&) {
      return false;
    }
  }));
}

TEST(InboundBulkheadTest, ConfiguredPerCollectionAndOffByDefault) {
  const auto config = hexa::Config::from_string(
      "resources:\n  orders:\n    max-concurrent: 1\n    busy-message: one at a time\n", {},
      [](const std::string&) { return std::nullopt; });
  hexa::InboundBulkheads bulkheads;
  bulkheads.configure(config, "orders");
  bulkheads.configure(config, "deliveries");
  auto held = bulkheads.admit(Verb::post, "/orders");
  ASSERT_NE(held, nullptr);
  try {
    bulkheads.admit(Verb::post, "/orders");
    FAIL() << "a second order must be refused";
  } catch (const hexa::Unavailable& e) {
    EXPECT_STREQ(e.what(), "one at a time");
    EXPECT_GE(e.retry_after_s, 1);
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(bulkheads.admit(Verb::post, "/deliveries"), nullptr);
  held.reset();
  EXPECT_NE(bulkheads.admit(Verb::post, "/orders"), nullptr);
}

}  // namespace
