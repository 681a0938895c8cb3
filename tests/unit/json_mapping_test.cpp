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

struct Payment {
  static constexpr std::string_view name = "Payment";
  std::int64_t id = 0;
  hexa::Decimal amount;
  hexa::Timestamp orderDate;
  static hexa::Fields<Payment> fields() {
    return {hexa::field("id", &Payment::id), hexa::field("amount", &Payment::amount, {.min = 1}),
            hexa::field("orderDate", &Payment::orderDate)};
  }
};

const hexa::ModelInfo& payment() { return hexa::model_of<Payment>(); }

// Parses a body as a Payment and renders it back, as a POST then a GET would.
std::string round_trip(const std::string& body) {
  const Payment p = hexa::from_record<Payment>(parse_body(body, payment(), BodyMode::Create));
  return hexa::rest::dump(hexa::rest::to_json(hexa::to_record(p), payment()));
}

std::string payment_invalid(const std::string& body) {
  try {
    parse_body(body, payment(), BodyMode::Create);
  } catch (const hexa::Invalid& e) {
    return e.what();
  }
  return "accepted";
}

// The amount as written in the JSON a POST then a GET would answer.
std::string amount_out(const std::string& amount_in) {
  const std::string json = round_trip(R"({"amount":)" + amount_in + "}");
  const auto from = json.find(R"("amount":)") + 9;
  return json.substr(from, json.find(',', from) - from);
}

TEST(JsonMapping, DecimalsKeepTheirDigitsAsJsonNumbers) {
  EXPECT_EQ(round_trip(R"({"amount":"1000.50"})"),
            R"({"id":0,"amount":1000.50,"orderDate":"1970-01-01T00:00:00.000+00:00"})");
  EXPECT_EQ(amount_out("1000.50"), "1000.50");
  EXPECT_EQ(amount_out(R"("2000")"), "2000");
  EXPECT_EQ(amount_out("2000"), "2000");
  EXPECT_EQ(amount_out("1000.5"), "1000.5");
  EXPECT_EQ(amount_out("1.0"), "1.0");
  EXPECT_EQ(amount_out("12345678901234567890.0123456789"), "12345678901234567890.0123456789");
  EXPECT_EQ(amount_out("123456789012345678901234567890"), "123456789012345678901234567890");
  EXPECT_EQ(amount_out(R"("1.5e3")"), "1500");
  EXPECT_EQ(amount_out("10.0100"), "10.0100");
}

TEST(JsonMapping, DecimalsRefuseWhatIsNoNumberAndKeepTheirRules) {
  EXPECT_NE(payment_invalid(R"({"amount":"eleven"})").find("field 'amount' must be a decimal number"), std::string::npos);
  EXPECT_NE(payment_invalid(R"({"amount":true})").find("'amount'"), std::string::npos);
  EXPECT_NE(payment_invalid(R"({"amount":"0.99"})").find("'amount' must be at least 1"), std::string::npos);
  EXPECT_EQ(payment_invalid(R"({"amount":"1.00"})"), "accepted");
}

TEST(JsonMapping, TimestampsAreWrittenAsJacksonWritesADateAndReadLeniently) {
  const std::string expected = R"("orderDate":"2026-12-02T07:15:30.123+00:00"})";
  for (const char* given : {R"("2026-12-02T07:15:30.123+00:00")", R"("2026-12-02T07:15:30.123Z")",
                            R"("2026-12-02T16:15:30.123+09:00")", R"("2026-12-02T07:15:30.123")",
                            "1796195730123", R"("1796195730123")"}) {
    const std::string json = round_trip(std::string(R"({"amount":1,"orderDate":)") + given + "}");
    EXPECT_EQ(json.substr(json.size() - expected.size()), expected) << given;
  }
  EXPECT_NE(round_trip(R"({"amount":1,"orderDate":"2026-12-02"})").find("2026-12-02T00:00:00.000+00:00"),
            std::string::npos);
  for (const char* bad : {R"("yesterday")", R"("2026-13-02")", R"("2026-02-30T00:00:00Z")", "true", "1.5"})
    EXPECT_NE(payment_invalid(std::string(R"({"amount":1,"orderDate":)") + bad + "}").find("field 'orderDate'"),
              std::string::npos) << bad;
}

TEST(JsonMapping, ExactNumbersSurviveOtherKindsAndPlainJson) {
  // A number parse() keeps exact still reads as an integer, a real or text where one is declared.
  auto r = parse_body(R"({"modelName":12.50,"amt":"5","rate":2.50})", car(), BodyMode::Create);
  EXPECT_EQ(std::get<std::string>(r.at("modelName")), "12.50");
  EXPECT_DOUBLE_EQ(std::get<double>(r.at("rate")), 2.5);
  EXPECT_EQ(std::get<std::int64_t>(parse_body(R"({"modelName":"a","amt":7.00})", car(), BodyMode::Create).at("amt")), 7);
  // Anything else is dumped as it came.
  const std::string text = R"({"a":[1,2.5,"x\u0001decimal:1"],"b":{"c":null,"d":0.25}})";
  EXPECT_EQ(hexa::rest::dump(hexa::rest::parse(text)), hexa::rest::Json::parse(text).dump());
  EXPECT_TRUE(hexa::rest::parse("{\"a\":").is_discarded());
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
