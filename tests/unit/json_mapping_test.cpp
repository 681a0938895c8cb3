// Request bodies to records: Jackson's leniency for numbers, clear 400s for everything else.
#include <gtest/gtest.h>

#include "hexa/domain.hpp"
#include "hexa/rest/json_limits.hpp"
#include "hexa/rest/json_mapping.hpp"

namespace {

struct Car {
  static constexpr std::string_view name = "Car";
  std::int64_t id = 0;
  std::string modelName;
  std::int64_t amt = 0;
  double rate = 0;
  bool insured = false;
  std::string status = "new";
  static hexa::Fields<Car> fields() {
    return {hexa::field("id", &Car::id),
            hexa::field("modelName", &Car::modelName, {.required = true}),
            hexa::field("amt", &Car::amt, {.required = true, .min = 1, .max = 1000}),
            hexa::field("rate", &Car::rate),
            hexa::field("insured", &Car::insured),
            hexa::field("status", &Car::status, {.read_only = true})};
  }
};

using hexa::rest::BodyMode;
using hexa::rest::parse_body;

const hexa::ModelInfo& car() { return hexa::model_of<Car>(); }

std::string invalid_message(const std::string& body, BodyMode mode = BodyMode::Create) {
  try {
    parse_body(body, car(), mode);
  } catch (const hexa::Invalid& e) {
    return e.what();
  }
  return "accepted";
}

TEST(JsonMapping, AcceptsNumericStringsForNumbersAsJacksonDoes) {
  auto r = parse_body(R"({"modelName":"쏘나타","amt":"100","rate":"1.5"})", car(), BodyMode::Create);
  EXPECT_EQ(std::get<std::int64_t>(r.at("amt")), 100);
  EXPECT_DOUBLE_EQ(std::get<double>(r.at("rate")), 1.5);
  EXPECT_EQ(std::get<std::string>(r.at("modelName")), "쏘나타");
}

TEST(JsonMapping, RejectsWrongTypesNamingTheField) {
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":"abc"})").find("'amt'"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":1.5})").find("'amt'"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":true})").find("'amt'"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":{"x":1},"amt":1})").find("'modelName'"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":1,"insured":"maybe"})").find("'insured'"), std::string::npos);
}

TEST(JsonMapping, RequiresRequiredFieldsOnCreate) {
  EXPECT_NE(invalid_message(R"({"amt":1})").find("'modelName' is required"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":"","amt":1})").find("'modelName' is required"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":"a"})").find("'amt' is required"), std::string::npos);
}

TEST(JsonMapping, ChecksRanges) {
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":-5})").find("'amt' must be at least 1"), std::string::npos);
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":1001})").find("at most 1000"), std::string::npos);
}

TEST(JsonMapping, RejectsMalformedOrNonObjectBodies) {
  EXPECT_NE(invalid_message(R"({"modelName":)").find("malformed JSON"), std::string::npos);
  EXPECT_NE(invalid_message("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(invalid_message("").find("missing"), std::string::npos);
  EXPECT_NE(invalid_message("\xff\xfe").find("malformed JSON"), std::string::npos);
}

TEST(JsonMapping, IgnoresReadOnlyAndUnknownFieldsOnCreate) {
  auto r = parse_body(R"({"modelName":"a","amt":1,"status":"hacked","id":7,"extra":1})", car(), BodyMode::Create);
  EXPECT_FALSE(r.contains("status"));
  EXPECT_FALSE(r.contains("id"));
  EXPECT_FALSE(r.contains("extra"));
}

TEST(JsonMapping, MergeKeepsOnlyGivenFieldsAndRefusesEmptyingRequiredOnes) {
  auto r = parse_body(R"({"status":"cancelled"})", car(), BodyMode::Merge);
  EXPECT_EQ(r.size(), 1u);
  EXPECT_NE(invalid_message(R"({"modelName":null})", BodyMode::Merge).find("'modelName'"), std::string::npos);
}

TEST(JsonMapping, RecordsRenderInDeclaredOrder) {
  Car c;
  c.id = 3;
  c.modelName = "그랜저";
  c.amt = 200;
  const std::string json = hexa::rest::to_json(hexa::to_record(c), car()).dump();
  EXPECT_EQ(json, R"({"id":3,"modelName":"그랜저","amt":200,"rate":0.0,"insured":false,"status":"new"})");
}

TEST(JsonMapping, CollectionNamesFollowSpringDataRest) {
  EXPECT_EQ(hexa::collection_name("Contract"), "contracts");
  EXPECT_EQ(hexa::collection_name("MyPage"), "myPages");
  EXPECT_EQ(hexa::collection_name("RoomInfo"), "roomInfoes");
  EXPECT_EQ(hexa::collection_name("Delivery"), "deliveries");
  EXPECT_EQ(hexa::collection_name("Pay"), "pays");
}

}  // namespace

namespace {

std::string nested(std::size_t depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

// ~100,000 nested arrays (200 KB) once killed a service: rendering the type error recursed
// down the whole value. Such a body is a 400 at a sane depth, whatever field holds it.
TEST(JsonMapping, RefusesJsonNestedTooDeeplyWith400InsteadOfCrashing) {
  for (const char* field : {"amt", "modelName", "unknownField"}) {
    const std::string body = std::string(R"({"modelName":"a","amt":1,")") + field + R"(":)" + nested(100'000) + "}";
    EXPECT_NE(invalid_message(body).find("nested deeper than 64"), std::string::npos) << field;
    EXPECT_NE(invalid_message(body, BodyMode::Merge).find("nested deeper than 64"), std::string::npos) << field;
  }
  EXPECT_THROW(hexa::rest::parse_object("{\"a\":" + nested(65) + "}"), hexa::Invalid);
  // Up to the limit, a deep value is judged like any other: the wrong type for 'amt'.
  EXPECT_NE(invalid_message(R"({"modelName":"a","amt":)" + nested(63) + "}").find("'amt' must be an integer"),
            std::string::npos);
}

TEST(JsonMapping, CountsOnlyBracketsOutsideStrings) {
  using hexa::rest::within_json_depth;
  EXPECT_TRUE(within_json_depth(R"({"a":")" + std::string(1000, '[') + R"("})"));
  EXPECT_TRUE(within_json_depth(R"({"a":"\"[[[[","b":[1]})", 2));
  EXPECT_FALSE(within_json_depth(R"({"a":[[1]]})", 2));
  EXPECT_TRUE(within_json_depth(R"({"a":[[1]]})", 3));
  EXPECT_EQ(hexa::rest::parse_object(R"({"a":)" + nested(63) + "}")["a"].is_array(), true);
}

}  // namespace
