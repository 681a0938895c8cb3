// Seed-compatible writes (a POST naming an existing key updates it; a PUT runs the command
// its body names) and the callee side of Idempotency-Key.
#include <gtest/gtest.h>

#include "support/resource_harness.hpp"

namespace {

struct Reservation {
  static constexpr std::string_view name = "Reservation";
  std::int64_t reservationNumber = 0;
  std::string customerName;
  std::int64_t roomNumber = 0;
  std::string reserveStatus = "reserve";
  static hexa::Fields<Reservation> fields() {
    return {hexa::field("reservationNumber", &Reservation::reservationNumber, {.key = true}),
            hexa::field("customerName", &Reservation::customerName, {.required = true}),
            hexa::field("roomNumber", &Reservation::roomNumber),
            hexa::field("reserveStatus", &Reservation::reserveStatus, {.read_only = true})};
  }
  void check_out() {
    if (reserveStatus != "reserve") throw hexa::Conflict("only a reservation in 'reserve' can check out");
    reserveStatus = "checkOut";
  }
};
using CheckedOut = hexa::EventOf<Reservation, "CheckedOut", "reservationNumber">;

struct Apply {  // integer id: the default key
  static constexpr std::string_view name = "Apply";
  std::int64_t id = 0;
  std::string student;
  std::string applyStatus = "applied";
  static hexa::Fields<Apply> fields() {
    return {hexa::field("id", &Apply::id), hexa::field("student", &Apply::student, {.required = true}),
            hexa::field("applyStatus", &Apply::applyStatus, {.read_only = true})};
  }
};
using ApplyCancelled = hexa::EventOf<Apply, "ApplyCancelled", "id">;

using hexa::http::Verb;
using SeedWritesTest = hexa::testing::ResourceHarness;

hexa::rest::ResourceSpec reservations(bool post_updates) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Reservation> r(spec);
  r.command("reserveStatus", "checkOut", [](Reservation& res, hexa::UnitOfWork& uow) {
    res.check_out();
    uow.raise(hexa::copy_fields<CheckedOut>(res));
  });
  if (post_updates) r.post_updates_by_key();
  return spec;
}

hexa::rest::ResourceSpec applies(bool put_runs_commands) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Apply> r(spec);
  r.command("applyStatus", "cancelled", [](Apply& a, hexa::UnitOfWork& uow) {
    if (a.applyStatus == "cancelled") throw hexa::Conflict("already cancelled");
    a.applyStatus = "cancelled";
    uow.raise(hexa::copy_fields<ApplyCancelled>(a));
  });
  if (put_runs_commands) r.put_runs_commands();
  return spec;
}

const std::string kSeedPost = R"({"customerName":"PARK","roomNumber":1,"reserveStatus":"reserve"})";
const std::string kSeedCheckOut = R"({"reservationNumber":1,"reserveStatus":"checkOut","customerName":"PARK","roomNumber":1})";

TEST_F(SeedWritesTest, APostNamingAnExistingKeyUpdatesItRunningItsCommand) {
  serve(reservations(true));
  ASSERT_EQ(call(Verb::post, "/reservations", kSeedPost).status, 201);
  auto updated = call(Verb::post, "/reservations", kSeedCheckOut);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json()["reserveStatus"], "checkOut");
  EXPECT_EQ(call(Verb::get, "/reservations").json()["page"]["totalElements"], 1) << "updated, not added";
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"CheckedOut"});
  EXPECT_EQ(call(Verb::post, "/reservations", kSeedCheckOut).status, 200) << "the same item again changes nothing";
  EXPECT_EQ(outbox_size(), 1u);

  auto unknown = call(Verb::post, "/reservations", R"({"reservationNumber":9,"customerName":"PARK"})");
  EXPECT_EQ(unknown.status, 404);
  auto renamed = call(Verb::post, "/reservations", R"({"reservationNumber":1,"customerName":"KIM"})");
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(renamed.json()["customerName"], "KIM");
  auto bad = call(Verb::post, "/reservations", R"({"reservationNumber":1,"reserveStatus":"nope"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.body, "field 'reserveStatus' can only be set to: checkOut");
}

TEST_F(SeedWritesTest, WithoutTheOptionAPostAlwaysCreates) {
  serve(reservations(false));
  ASSERT_EQ(call(Verb::post, "/reservations", kSeedPost).status, 201);
  auto second = call(Verb::post, "/reservations", kSeedCheckOut);
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(second.json()["reservationNumber"], 2);
  EXPECT_EQ(second.json()["reserveStatus"], "reserve");
}

TEST_F(SeedWritesTest, APutChangingACommandFieldRunsTheCommand) {
  serve(applies(true));
  ASSERT_EQ(call(Verb::post, "/applies", R"({"student":"kim"})").status, 201);
  auto cancelled = call(Verb::put, "/applies/1", R"({"student":"kim","applyStatus":"cancelled"})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["applyStatus"], "cancelled");
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"ApplyCancelled"});
  auto refused = call(Verb::put, "/applies/1", R"({"student":"kim","applyStatus":"approved"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body, "field 'applyStatus' can only be set to: cancelled");
  EXPECT_EQ(call(Verb::put, "/applies/1", R"({"student":"lee","applyStatus":"cancelled"})").json()["student"], "lee");
  EXPECT_EQ(outbox_size(), 1u) << "an unchanged command field runs nothing";
}

TEST_F(SeedWritesTest, WithoutTheOptionAPutIgnoresReadOnlyFields) {
  serve(applies(false));
  ASSERT_EQ(call(Verb::post, "/applies", R"({"student":"kim"})").status, 201);
  auto put = call(Verb::put, "/applies/1", R"({"student":"lee","applyStatus":"cancelled"})");
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(put.json()["applyStatus"], "applied");
  EXPECT_EQ(put.json()["student"], "lee");
  EXPECT_EQ(outbox_size(), 0u);
}

TEST_F(SeedWritesTest, ARepeatedIdempotencyKeyAnswersTheSavedAnswerAndActsOnce) {
  serve(applies(false));
  const std::vector<std::pair<std::string, std::string>> k1{{"Idempotency-Key", "event-1"}};
  auto first = call(Verb::post, "/applies", R"({"student":"kim"})", k1);
  auto again = call(Verb::post, "/applies", R"({"student":"kim"})", k1);
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.location, "http://localhost:8088/applies/1");
  EXPECT_EQ(call(Verb::get, "/applies").json()["page"]["totalElements"], 1);

  const std::vector<std::pair<std::string, std::string>> k2{{"Idempotency-Key", "event-2"}};
  auto cancelled = call(Verb::patch, "/applies/1", R"({"applyStatus":"cancelled"})", k2);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  auto retried = call(Verb::patch, "/applies/1", R"({"applyStatus":"cancelled"})", k2);
  EXPECT_EQ(retried.status, 200) << "the retry gets the first answer: " << retried.body;
  EXPECT_EQ(retried.body, cancelled.body);
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"ApplyCancelled"}) << "acted once";
  EXPECT_EQ(call(Verb::patch, "/applies/1", R"({"applyStatus":"cancelled"})").status, 409) << "without the key: acts";
}

TEST_F(SeedWritesTest, AGuardedCreationIsAskedOncePerIdempotencyKey) {
  auto spec = applies(false);
  int asked = 0;
  hexa::Resource<Apply>(spec).guarded_by([&asked](const Apply&, std::int64_t) { ++asked; },
                                         [](const Apply&) { return std::optional<bool>(true); }, "busy", 1000);
  serve(std::move(spec));
  const std::vector<std::pair<std::string, std::string>> k{{"Idempotency-Key", "contract-1"}};
  auto first = call(Verb::post, "/applies", R"({"student":"kim"})", k);
  auto again = call(Verb::post, "/applies", R"({"student":"kim"})", k);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(asked, 1);
}

TEST_F(SeedWritesTest, ARefusedRequestIsNotRememberedUnderItsKey) {
  serve(applies(false));
  const std::vector<std::pair<std::string, std::string>> k{{"Idempotency-Key", "k"}};
  EXPECT_EQ(call(Verb::post, "/applies", R"({})", k).status, 400);
  EXPECT_EQ(call(Verb::post, "/applies", R"({"student":"kim"})", k).status, 201);
}

}  // namespace
