// A service's self-description and the documents made from it: what a declaration shows in
// --describe, in its OpenAPI document and in the diagrams. One Service per process (it
// registers its logger): a single case declares one.
#include <gtest/gtest.h>

#include <algorithm>

#include "hexa/docs/contracts.hpp"
#include "hexa/docs/graph.hpp"
#include "hexa/docs/openapi.hpp"
#include "hexa/docs/system_docs.hpp"
#include "hexa/service.hpp"

namespace {

using hexa::rest::Json;

struct Room {
  static constexpr std::string_view name = "Room";
  std::int64_t roomNumber = 0;
  std::string roomStatus = "free";
  std::string floor;
  static hexa::Fields<Room> fields() {
    return {hexa::field("roomNumber", &Room::roomNumber, {.key = true, .assigned = true}),
            hexa::field("roomStatus", &Room::roomStatus, {.one_of = {"free", "taken"}, .read_only = true}),
            hexa::field("floor", &Room::floor, {.required = true})};
  }
};
struct Payment {
  static constexpr std::string_view name = "Payment";
  std::int64_t id = 0;
  std::int64_t roomNumber = 0;
  static hexa::Fields<Payment> fields() {
    return {hexa::field("id", &Payment::id), hexa::field("roomNumber", &Payment::roomNumber)};
  }
};
using RoomTaken = hexa::EventOf<Room, "RoomTaken", "roomNumber">;
using Paid = hexa::EventOf<Payment, "Paid", "roomNumber">;

const Json& named(const Json& items, const std::string& name, const char* by = "name") {
  auto it = std::ranges::find_if(items, [&](const Json& j) { return j[by] == name; });
  if (it == items.end()) throw std::runtime_error(name + " is not in " + items.dump());
  return *it;
}

TEST(Describe, AServiceDescribesWhatItDeclaresAndItsOpenApiFollows) {
  const char* argv[] = {"rooms", "--describe"};
  hexa::Service svc("rooms", 2, const_cast<char**>(argv));
  auto payments = svc.remote<Payment>("payment").finds_by(&Payment::roomNumber);
  svc.resource<Room>()
      .command("roomStatus", "taken", [](Room& r, hexa::UnitOfWork& uow) {
        r.roomStatus = "taken";
        uow.raise(hexa::copy_fields<RoomTaken>(r));
      })
      .deny(hexa::Method::Delete, "rooms stay")
      .find_by("floor");
  svc.local_view<Payment>("roomNumber").on<Paid>([](Payment&, const Paid&) {});
  svc.when<Paid>()
      .call([&payments](const Paid& e, const hexa::StepContext& s) { payments.exists(&Payment::roomNumber, e.roomNumber); (void)s; })
      .then([](const Paid&, hexa::UnitOfWork&) {})
      .undo([](const Paid&, hexa::UnitOfWork&) {});
  svc.channel("alerts");

  const Json d = Json::parse(svc.description());
  const Json& room = named(d["aggregates"], "Room");
  EXPECT_EQ(room["key"], "roomNumber");
  EXPECT_EQ(room["resource"]["methods"], Json({"GET", "POST", "PUT", "PATCH"}));
  EXPECT_EQ(room["resource"]["denied"]["DELETE"], "rooms stay");
  EXPECT_EQ(room["commands"], Json::parse(R"([{"field":"roomStatus","value":"taken","guarded":false}])"));
  EXPECT_EQ(room["raises"], Json({"RoomTaken"}));  // from uow.raise<RoomTaken> alone
  EXPECT_EQ(named(room["fields"], "roomStatus")["rules"], Json::parse(R"({"oneOf":["free","taken"],"readOnly":true})"));
  const Json& view = named(d["views"], "Payment");
  EXPECT_FALSE(view["served"]);
  EXPECT_EQ(view["from"], Json({"Paid"}));
  EXPECT_EQ(named(d["policies"], "Paid", "on")["kind"], "saga");
  EXPECT_EQ(named(d["events"]["handled"], "Paid")["by"], Json({"policy", "view Payment"}));
  const Json& remote = named(d["remotes"], "payment", "service");
  EXPECT_EQ(remote["path"], "/payments");
  EXPECT_EQ(named(remote["fields"], "roomNumber")["kind"], "integer");  // the caller's view of Payment

  // The consumer-driven contract of that call: what rooms sends to payment and relies on.
  const auto contracts = hexa::docs::contracts({d});
  ASSERT_EQ(contracts.size(), 1u);
  const Json contract = Json::parse(contracts.at("contracts/rooms-to-payment-payments.json"));
  EXPECT_EQ(remote["uses"], Json({"find"}));  // payments.exists in the saga's call, never run here
  EXPECT_EQ(remote["findsBy"], Json({"roomNumber"}));  // declared: finds_by(&Payment::roomNumber)
  EXPECT_EQ(contract["calls"], Json({"GET /payments/search/findByRoomNumber?roomNumber={roomNumber}"}));
  EXPECT_FALSE(contract.contains("request"));  // it creates none
  EXPECT_EQ(contract["response"]["reliesOn"], Json::parse(R"([{"name":"id","kind":"integer"},{"name":"roomNumber","kind":"integer"}])"));
  EXPECT_EQ(contract["findsBy"], Json::parse(R"([{"field":"roomNumber",
      "path":"/payments/search/findByRoomNumber?roomNumber={roomNumber}"}])"));
  EXPECT_EQ(contract["item"], "/payments/{id}");
  EXPECT_EQ(named(d["channels"], "alerts")["kind"], "log");

  const Json api = hexa::docs::openapi(d);
  EXPECT_EQ(api["openapi"], "3.1.0");
  EXPECT_FALSE(api["paths"].contains("/payments"));  // a local view is not served
  const Json& item = api["paths"]["/rooms/{roomNumber}"];
  EXPECT_TRUE(item.contains("put") && item.contains("patch") && !item.contains("delete"));
  EXPECT_EQ(item["parameters"][0]["schema"]["type"], "integer");
  EXPECT_TRUE(api["paths"].contains("/rooms/search/findByFloor"));
  EXPECT_TRUE(api["paths"]["/rooms"]["post"]["responses"].contains("404"));  // a create may name what is not there
  const Json& schemas = api["components"]["schemas"];
  EXPECT_EQ(schemas["RoomInput"]["required"], Json({"floor"}));
  EXPECT_EQ(schemas["RoomPatch"]["properties"]["roomStatus"]["enum"], Json({"taken"}));  // the command, not a plain write
  EXPECT_EQ(schemas["Room"]["properties"]["floor"]["type"], "string");  // required: never null
  EXPECT_EQ(schemas["Room"]["properties"]["roomStatus"]["enum"], Json::parse(R"(["free","taken","",null])"));
  EXPECT_EQ(schemas["Room"]["properties"]["roomStatus"]["type"], Json::parse(R"(["string","null"])"));
  EXPECT_FALSE(schemas["Room"]["properties"].contains("id"));  // behind a natural key, not shown
  EXPECT_TRUE(schemas["RoomCollection"]["properties"].contains("_embedded"));
}

TEST(Describe, BothNotationsEscapeWhatTheyMust) {
  hexa::docs::Graph g;
  g.node("a", "say \"hi\"\nthen go", hexa::docs::Sticker::event);
  g.node("b", "b", hexa::docs::Sticker::policy);
  g.edge("a", "b", "x", true);
  g.edge("a", "b", "x", true);  // once
  const std::string m = hexa::docs::mermaid(g, "h");
  EXPECT_NE(m.find(R"(a["say #quot;hi#quot;<br/>then go"]:::event)"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(a -.->|"x"| b)"), std::string::npos) << m;
  const std::string d = hexa::docs::dot(g, "h");
  EXPECT_NE(d.find(R"(label="say \"hi\"\nthen go")"), std::string::npos) << d;
  EXPECT_EQ(std::ranges::count(d, '>'), 1) << d;  // one edge
}

TEST(Describe, PubSubBetweenServicesIsDottedWithTheEventNames) {
  const Json pub = Json::parse(R"({"service":"a","topic":"t","aggregates":[],"views":[],"policies":[],"remotes":[],
    "channels":[],"events":{"raised":[{"name":"E","key":"k","aggregate":"","fields":[]}],"handled":[]}})");
  Json sub = pub;
  sub["service"] = "b";
  sub["events"] = Json::parse(R"({"raised":[],"handled":[{"name":"E","key":"k","aggregate":"","fields":[],"by":["policy"]}]})");
  const auto files = hexa::docs::system_docs("s", {pub, sub});
  EXPECT_NE(files.at("context-map.mmd").find(R"(a -.->|"E"| b)"), std::string::npos) << files.at("context-map.mmd");
  const Json async = Json::parse(files.at("asyncapi.json"));
  EXPECT_EQ(async["operations"]["a-sends-E"]["action"], "send");
  EXPECT_EQ(async["operations"]["b-receives-E"]["action"], "receive");
  EXPECT_EQ(async["channels"]["t"]["address"], "t");
}

}  // namespace
