// Natural keys: an aggregate or a view addressed by its own field (/rooms/{roomNumber}),
// generated or assigned, found, saved and removed by it; member-pointer finders.
#include <gtest/gtest.h>

#include "hexa/runtime/view.hpp"
#include "support/resource_harness.hpp"

namespace {

struct Room {  // no `id`: roomNumber is the key, generated
  static constexpr std::string_view name = "Room";
  std::int64_t roomNumber = 0;
  std::string roomName;
  std::string roomStatus = "EMPTY";
  std::int64_t roomPrice = 0;
  static hexa::Fields<Room> fields() {
    return {hexa::field("roomNumber", &Room::roomNumber, {.key = true}),
            hexa::field("roomName", &Room::roomName, {.required = true}),
            hexa::field("roomStatus", &Room::roomStatus),
            hexa::field("roomPrice", &Room::roomPrice)};
  }
};
using RoomConditionChanged = hexa::EventOf<Room, "RoomConditionChanged", "roomNumber">;

struct Coupon {  // a text key, assigned by whoever creates it
  static constexpr std::string_view name = "Coupon";
  std::string code;
  std::int64_t amount = 0;
  static hexa::Fields<Coupon> fields() {
    return {hexa::field("code", &Coupon::code, {.key = true, .assigned = true}),
            hexa::field("amount", &Coupon::amount)};
  }
};

struct Invoice {  // members of every kind a finder may name
  static constexpr std::string_view name = "Invoice";
  std::int64_t id = 0;
  hexa::Decimal total;
  hexa::Timestamp issuedAt;
  static hexa::Fields<Invoice> fields() {
    return {hexa::field("id", &Invoice::id), hexa::field("total", &Invoice::total),
            hexa::field("issuedAt", &Invoice::issuedAt)};
  }
};

struct RoomInfo {  // a view keyed by what events carry
  static constexpr std::string_view name = "RoomInfo";
  std::int64_t roomNumber = 0;
  std::string roomStatus;
  std::string roomName;
  static hexa::Fields<RoomInfo> fields() {
    return {hexa::field("roomNumber", &RoomInfo::roomNumber, {.key = true, .assigned = true}),
            hexa::field("roomStatus", &RoomInfo::roomStatus), hexa::field("roomName", &RoomInfo::roomName)};
  }
};

using hexa::http::Verb;
using NaturalKeyTest = hexa::testing::ResourceHarness;

hexa::rest::ResourceSpec rooms() {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Room>(spec).find_by("roomStatus");
  return spec;
}

TEST_F(NaturalKeyTest, AGeneratedKeyAddressesTheItemAndIdIsNotShown) {
  serve(rooms());
  auto created = call(Verb::post, "/rooms", R"({"roomName":"DERUX ROOM","roomPrice":1200000})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.location, "http://localhost:8088/rooms/1");
  auto j = created.json();
  EXPECT_EQ(j["roomNumber"], 1);
  EXPECT_FALSE(j.contains("id")) << j.dump();
  EXPECT_EQ(j["_links"]["self"]["href"], "http://localhost:8088/rooms/1");
  EXPECT_EQ(j["_links"]["room"]["href"], "http://localhost:8088/rooms/1");

  auto given = call(Verb::post, "/rooms", R"({"roomNumber":77,"roomName":"B"})");
  ASSERT_EQ(given.status, 201);
  EXPECT_EQ(given.json()["roomNumber"], 2) << "a generated key is the framework's: a given one is ignored";
  EXPECT_EQ(call(Verb::get, "/rooms/2").json()["roomName"], "B");
  EXPECT_EQ(call(Verb::get, "/rooms/77").status, 404);
  EXPECT_EQ(call(Verb::get, "/rooms/x").status, 404);

  auto listed = call(Verb::get, "/rooms?sort=roomNumber,desc").json();
  ASSERT_EQ(listed["_embedded"]["rooms"].size(), 2u);
  EXPECT_EQ(listed["_embedded"]["rooms"][0]["_links"]["self"]["href"], "http://localhost:8088/rooms/2");
  EXPECT_FALSE(listed["_embedded"]["rooms"][0].contains("id"));
  EXPECT_EQ(call(Verb::get, "/rooms/search/findByRoomStatus?roomStatus=EMPTY").json()["page"]["totalElements"], 2);
}

TEST_F(NaturalKeyTest, TheKeyCannotBeChangedButTheRestCan) {
  serve(rooms());
  ASSERT_EQ(call(Verb::post, "/rooms", R"({"roomName":"A"})").status, 201);
  EXPECT_EQ(call(Verb::patch, "/rooms/1", R"({"roomNumber":5})").status, 400);
  auto same = call(Verb::patch, "/rooms/1", R"({"roomNumber":1,"roomPrice":10})");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["roomPrice"], 10);
  auto put = call(Verb::put, "/rooms/1", R"({"roomName":"A2"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["roomNumber"], 1) << "PUT keeps the key it does not name";
  EXPECT_TRUE(put.json()["roomPrice"].is_null()) << "PUT empties what it does not name, as before";
  EXPECT_EQ(call(Verb::delete_, "/rooms/1").status, 204);
  EXPECT_EQ(call(Verb::get, "/rooms/1").status, 404);
}

TEST_F(NaturalKeyTest, AnAssignedKeyMustBeGivenOnceAndIsUrlEncodedInLinks) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Coupon> coupons(spec);
  serve(std::move(spec));
  EXPECT_EQ(call(Verb::post, "/coupons", R"({"amount":5})").status, 400);
  auto created = call(Verb::post, "/coupons", R"({"code":"WELCOME 10","amount":5})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.location, "http://localhost:8088/coupons/WELCOME%2010");
  EXPECT_EQ(call(Verb::get, "/coupons/WELCOME%2010").json()["amount"], 5);
  auto again = call(Verb::post, "/coupons", R"({"code":"WELCOME 10","amount":6})");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(call(Verb::get, "/coupons").json()["page"]["totalElements"], 1);
}

TEST_F(NaturalKeyTest, UnitOfWorkFindsSavesAndRemovesByTheKey) {
  serve(rooms());
  const auto number = in_tx([](hexa::UnitOfWork& uow) {
    Room a{0, "A", "EMPTY", 100};
    uow.add(a);
    Room b{0, "B", "Notavailable", 200};
    uow.add(b);
    EXPECT_EQ(b.roomNumber, a.roomNumber + 1);
    return a.roomNumber;
  });
  EXPECT_EQ(number, 1);
  in_tx([](hexa::UnitOfWork& uow) {
    auto room = uow.find<Room>(1);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->roomName, "A");
    EXPECT_EQ(uow.find<Room>(std::string("2"))->roomName, "B") << "the key as text is the same key";
    EXPECT_FALSE(uow.find<Room>(9));
    room->roomStatus = "Notavailable";
    uow.save(*room);
    EXPECT_EQ(uow.find_all(&Room::roomStatus, "Notavailable").size(), 2u);
    EXPECT_EQ(uow.find_one(&Room::roomPrice, 200)->roomNumber, 2);
    EXPECT_FALSE(uow.find_one(&Room::roomName, "C"));
    uow.remove(*uow.find<Room>(2));
    EXPECT_FALSE(uow.find<Room>(2));
  });
  EXPECT_EQ(call(Verb::get, "/rooms/1").json()["roomStatus"], "Notavailable");
}

TEST_F(NaturalKeyTest, AMisspeltFieldNameIsAProgrammingErrorNotABadRequest) {
  serve(rooms());
  in_tx([](hexa::UnitOfWork& uow) {
    EXPECT_THROW(uow.find_one<Room>("roomNumbr", 1), std::logic_error);
    EXPECT_THROW(uow.find_all<Room>("roomNumbr", 1), std::logic_error);
    try {
      uow.find_one<Room>("roomNumbr", 1);
    } catch (const hexa::Error&) {
      ADD_FAILURE() << "a hexa::Error would be taken for a domain refusal";
    } catch (const std::logic_error&) {
    }
  });
  EXPECT_EQ(hexa::field_name(&Room::roomPrice), "roomPrice");
  EXPECT_EQ(hexa::field_name(&Coupon::code), "code");
  EXPECT_EQ(hexa::field_name(&Invoice::total), "total");
  EXPECT_EQ(hexa::field_name(&Invoice::issuedAt), "issuedAt");
}

TEST_F(NaturalKeyTest, AViewKeyedByANaturalKeyIsServedByIt) {
  std::map<std::string, hexa::PolicyFn> policies;
  hexa::rest::ResourceSpec spec;
  hexa::Resource<RoomInfo>(spec).read_only("roomInfoes is a view").find_by("roomNumber");
  serve(std::move(spec));
  hexa::View<RoomInfo>([&](const std::string& type, hexa::PolicyFn fn) { policies[type] = std::move(fn); }, "roomNumber")
      .on<RoomConditionChanged>([](RoomInfo& row, const RoomConditionChanged& e) {
        row.roomStatus = e.roomStatus;
        row.roomName = e.roomName;
      });
  auto deliver = [&](const Room& room) {
    in_tx([&](hexa::UnitOfWork& uow) { policies.at("RoomConditionChanged")(hexa::to_record(room), uow); });
  };
  deliver(Room{5, "DERUX", "EMPTY", 1});
  deliver(Room{5, "DERUX", "Notavailable", 1});
  deliver(Room{7, "SUITE", "EMPTY", 1});
  auto row = call(Verb::get, "/roomInfoes/5");
  ASSERT_EQ(row.status, 200) << row.body;
  EXPECT_EQ(row.json()["roomStatus"], "Notavailable");
  EXPECT_FALSE(row.json().contains("id"));
  EXPECT_EQ(row.json()["_links"]["self"]["href"], "http://localhost:8088/roomInfoes/5");
  EXPECT_EQ(call(Verb::get, "/roomInfoes").json()["page"]["totalElements"], 2) << "one row per room";
  EXPECT_EQ(call(Verb::post, "/roomInfoes", R"({"roomNumber":9})").status, 405);
}

TEST_F(NaturalKeyTest, ALocalViewIsKeptButNotServed) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<RoomInfo> r(spec);
  spec.served = false;
  serve(std::move(spec));
  EXPECT_EQ(call(Verb::get, "/roomInfoes").status, 404);
  in_tx([](hexa::UnitOfWork& uow) {
    RoomInfo info{3, "EMPTY", "A"};
    uow.add(info);
  });
  in_tx([](hexa::UnitOfWork& uow) { EXPECT_EQ(uow.find<RoomInfo>(3)->roomStatus, "EMPTY"); });
}

}  // namespace
