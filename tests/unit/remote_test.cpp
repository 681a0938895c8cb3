// Remote<T> against a real resource over loopback HTTP: finders by any field with URL-encoded
// values, exists, commands (PATCH on the item found), and Idempotency-Key honoured by the callee.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "hexa/client/remote.hpp"
#include "hexa/http/server.hpp"
#include "support/resource_harness.hpp"

namespace {

struct Delivery {
  static constexpr std::string_view name = "Delivery";
  std::int64_t id = 0;
  std::int64_t applyId = 0;
  std::string address;
  std::string deliveryStatus = "delivered";
  static hexa::Fields<Delivery> fields() {
    return {hexa::field("id", &Delivery::id), hexa::field("applyId", &Delivery::applyId, {.required = true}),
            hexa::field("address", &Delivery::address),
            hexa::field("deliveryStatus", &Delivery::deliveryStatus, {.read_only = true})};
  }
};
using DeliveryCancelled = hexa::EventOf<Delivery, "DeliveryCancelled", "applyId">;

struct Room {
  static constexpr std::string_view name = "Room";
  std::string roomNumber;
  std::string roomName;
  static hexa::Fields<Room> fields() {
    return {hexa::field("roomNumber", &Room::roomNumber, {.key = true, .assigned = true}),
            hexa::field("roomName", &Room::roomName)};
  }
};

class RemoteTest : public hexa::testing::ResourceHarness {
 protected:
  void SetUp() override {
    ResourceHarness::SetUp();
    hexa::rest::ResourceSpec deliveries;
    hexa::Resource<Delivery>(deliveries)
        .find_by("applyId")
        .find_by("address")
        .command("deliveryStatus", "cancelled", [](Delivery& d, hexa::UnitOfWork& uow) {
          if (d.deliveryStatus == "cancelled") throw hexa::Conflict("already cancelled");
          d.deliveryStatus = "cancelled";
          uow.raise(hexa::copy_fields<DeliveryCancelled>(d));
        });
    serve(std::move(deliveries));
    hexa::rest::ResourceSpec rooms;
    hexa::Resource<Room> room_resource(rooms);
    serve(std::move(rooms));
    server_ = std::make_unique<hexa::http::Server>(hexa::http::ServerOptions{}, [this](hexa::http::Request&& req,
                                                                                        hexa::http::Responder respond) {
      auto m = router_.match(req.method(), req.target());
      if (!m.route) return respond(hexa::http::error_response(req, hexa::http::Status::not_found, "none"));
      try {
        respond(m.route->handler(req, m.params));
      } catch (const hexa::Error& e) {
        respond(hexa::http::error_response(req, static_cast<hexa::http::Status>(e.status()), e.what()));
      }
    });
    server_->start();
    config_ = hexa::Config::from_string(
        "services:\n  delivery:\n    url: http://127.0.0.1:" + std::to_string(server_->port()) + "\n", {},
        [](const std::string&) { return std::nullopt; });
    caller_ = std::make_unique<hexa::RemoteCaller>(client_, config_, "delivery", metrics_);
  }
  void TearDown() override {
    server_.reset();
    ResourceHarness::TearDown();
  }
  static hexa::StepContext step(const std::string& key) { return {hexa::now_ms() + 2000, key}; }

  std::unique_ptr<hexa::http::Server> server_;
  hexa::http::Client client_;
  hexa::Config config_;
  hexa::Metrics metrics_;
  std::unique_ptr<hexa::RemoteCaller> caller_;
};

TEST_F(RemoteTest, FindsByAnyFieldWithEncodedValuesAndTellsExistence) {
  hexa::Remote<Delivery> deliveries(*caller_);
  const Delivery made = deliveries.create(Delivery{0, 7, "서울 강남구 1&2=3?", "delivered"});
  EXPECT_EQ(made.id, 1);
  auto found = deliveries.find_one(&Delivery::address, "서울 강남구 1&2=3?");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->applyId, 7);
  EXPECT_TRUE(deliveries.exists(&Delivery::applyId, 7));
  EXPECT_FALSE(deliveries.exists(&Delivery::applyId, 8));
  EXPECT_FALSE(deliveries.find_one(&Delivery::address, "서울"));
}

TEST_F(RemoteTest, ACreateWithAStepContextActsOncePerIdempotencyKey) {
  hexa::Remote<Delivery> deliveries(*caller_);
  const auto first = deliveries.create(Delivery{0, 7, "a", ""}, step("event-1"));
  const auto again = deliveries.create(Delivery{0, 7, "a", ""}, step("event-1"));
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(call(hexa::http::Verb::get, "/deliveries").json()["page"]["totalElements"], 1);
  deliveries.create(Delivery{0, 7, "a", ""}, step("event-2"));
  EXPECT_EQ(call(hexa::http::Verb::get, "/deliveries").json()["page"]["totalElements"], 2);
}

TEST_F(RemoteTest, ACommandPatchesTheItemFoundOncePerKey) {
  hexa::Remote<Delivery> deliveries(*caller_);
  deliveries.create(Delivery{0, 7, "a", ""});
  const auto cancelled = deliveries.command(&Delivery::applyId, 7, "deliveryStatus", "cancelled", step("event-9"));
  EXPECT_EQ(cancelled.deliveryStatus, "cancelled");
  const auto retried = deliveries.command(&Delivery::applyId, 7, "deliveryStatus", "cancelled", step("event-9"));
  EXPECT_EQ(retried.deliveryStatus, "cancelled") << "a redelivered step gets the first answer";
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"DeliveryCancelled"});
  EXPECT_THROW(deliveries.command(&Delivery::applyId, 7, "deliveryStatus", "cancelled", step("event-10")),
               hexa::Error)
      << "a new step on a cancelled delivery is refused by the callee (409)";
  EXPECT_THROW(deliveries.command(&Delivery::applyId, 99, "deliveryStatus", "cancelled", step("event-11")),
               hexa::NotFound);
}

TEST_F(RemoteTest, FindingByTheKeyAsksForTheItemItself) {
  hexa::Remote<Room> rooms(*caller_);
  rooms.create(Room{"101 A", "DERUX"});
  auto found = rooms.find_one(&Room::roomNumber, "101 A");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->roomName, "DERUX");
  EXPECT_FALSE(rooms.exists(&Room::roomNumber, "102"));
}

TEST_F(RemoteTest, ADeclaredRemoteFindsOnlyByTheFieldsItDeclared) {
  std::set<std::string> declared;  // what svc.remote<Delivery>(...) keeps in the declarations
  auto deliveries = hexa::Remote<Delivery>(*caller_, &declared).finds_by(&Delivery::applyId);
  EXPECT_EQ(declared, std::set<std::string>{"applyId"});
  deliveries.create(Delivery{0, 7, "seoul", "delivered"});
  EXPECT_TRUE(deliveries.exists(&Delivery::applyId, 7));
  try {
    (void)deliveries.find_one(&Delivery::address, "seoul");
    FAIL() << "an undeclared finder is a programming error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find(R"(svc.remote<Delivery>("delivery").finds_by(&Delivery::address))"),
              std::string::npos) << e.what();
  }
}

}  // namespace
