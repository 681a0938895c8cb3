// Exact decimals and timestamps as field values: comparison, conversion, copying between
// declared structs and event payloads (the way a value travels from one service to another).
#include <gtest/gtest.h>

#include "hexa/domain.hpp"
#include "hexa/events/payload.hpp"

namespace {

using hexa::Decimal;
using hexa::Timestamp;

struct Apply {
  static constexpr std::string_view name = "Apply";
  std::int64_t id = 0;
  Decimal amount;
  Timestamp orderDate;
  static hexa::Fields<Apply> fields() {
    return {hexa::field("id", &Apply::id), hexa::field("amount", &Apply::amount),
            hexa::field("orderDate", &Apply::orderDate)};
  }
};

struct Applied {  // an event a consumer declares with only the fields it reads
  static constexpr std::string_view name = "Applied";
  Decimal amount;
  Timestamp orderDate;
  static hexa::Fields<Applied> fields() {
    return {hexa::field("amount", &Applied::amount), hexa::field("orderDate", &Applied::orderDate)};
  }
};

struct Tolerant {  // a reader that keeps money as a double and a date as text
  static constexpr std::string_view name = "Tolerant";
  double amount = 0;
  std::string orderDate;
  static hexa::Fields<Tolerant> fields() {
    return {hexa::field("amount", &Tolerant::amount), hexa::field("orderDate", &Tolerant::orderDate)};
  }
};

TEST(Decimal, ComparesByValueAndKeepsTheDigitsGiven) {
  EXPECT_EQ(Decimal("1.5"), Decimal("1.50"));
  EXPECT_EQ(Decimal("1.50").text(), "1.50");
  EXPECT_LT(Decimal("-2"), Decimal("-1.99"));
  EXPECT_LT(Decimal("999.99"), Decimal("1000"));
  EXPECT_GT(Decimal("0.001"), Decimal(0));
  EXPECT_EQ(Decimal("-0.00").text(), "0.00");
  EXPECT_EQ(Decimal("+.5").text(), "0.5");
  EXPECT_EQ(Decimal("007.20").text(), "7.20");
  EXPECT_EQ(Decimal("1.5e-3").text(), "0.0015");
  EXPECT_EQ(Decimal("1.50E2").text(), "150");
  EXPECT_EQ(Decimal::of(0.1)->text(), "0.1");
  EXPECT_FALSE(Decimal::parse("1e+-3"));
  EXPECT_FALSE(Decimal::parse("1,5"));
  EXPECT_FALSE(Decimal::parse(" 1"));
  EXPECT_FALSE(Decimal::parse("1e999999"));
  EXPECT_THROW(Decimal("eleven"), std::invalid_argument);
}

TEST(Timestamp, WritesJacksonsDateFormatAndReadsIsoOrEpochMillis) {
  const Timestamp t(1'796'195'730'123);
  EXPECT_EQ(t.iso(), "2026-12-02T07:15:30.123+00:00");
  EXPECT_EQ(Timestamp::parse(t.iso()), t);
  EXPECT_EQ(Timestamp::parse("2026-12-02T07:15:30.123Z"), t);
  EXPECT_EQ(Timestamp::parse("2026-12-02T07:15:30.123456Z"), t);  // beyond ms: dropped
  EXPECT_EQ(Timestamp::parse("2026-12-02T02:15:30.123-0500"), t);
  EXPECT_EQ(Timestamp::parse("1796195730123"), t);
  EXPECT_EQ(Timestamp::parse("2026-12-02 07:15")->iso(), "2026-12-02T07:15:00.000+00:00");
  EXPECT_EQ(Timestamp(-1).iso(), "1969-12-31T23:59:59.999+00:00");
  EXPECT_EQ(Timestamp().iso(), "1970-01-01T00:00:00.000+00:00");
  for (const char* bad : {"", "2026-12", "2026-12-02T25:00", "2026-12-02T07:15:30+9", "2026-12-02x", "soon"})
    EXPECT_FALSE(Timestamp::parse(bad)) << bad;
  const auto before = Timestamp::now();
  EXPECT_LE(before, Timestamp::now());
  EXPECT_GT(before.epoch_ms(), t.epoch_ms() - 365LL * 24 * 3600 * 1000 * 10);
}

TEST(Values, CopyBetweenStructsAndConvertForOtherKinds) {
  Apply a;
  a.amount = Decimal("1000.50");
  a.orderDate = Timestamp(1'796'195'730'123);
  const auto e = hexa::copy_fields<Applied>(a);
  EXPECT_EQ(e.amount.text(), "1000.50");
  EXPECT_EQ(e.orderDate, a.orderDate);
  const auto t = hexa::copy_fields<Tolerant>(a);
  EXPECT_DOUBLE_EQ(t.amount, 1000.5);
  EXPECT_EQ(t.orderDate, "2026-12-02T07:15:30.123+00:00");
  EXPECT_EQ(hexa::convert(std::string("2026-12-02T07:15:30.123Z"), hexa::Kind::Timestamp), hexa::Value(a.orderDate));
  EXPECT_EQ(hexa::convert(hexa::Value(a.orderDate), hexa::Kind::Integer), hexa::Value(std::int64_t{1'796'195'730'123}));
  EXPECT_THROW(hexa::convert(std::string("eleven"), hexa::Kind::Decimal), std::invalid_argument);
  // Text of any value, as a query string carries it.
  EXPECT_EQ(hexa::convert(hexa::Value(a.amount), hexa::Kind::Text), hexa::Value(std::string("1000.50")));
  EXPECT_EQ(hexa::convert(hexa::Value(1.5), hexa::Kind::Text), hexa::Value(std::string("1.5")));
}

TEST(Values, EventPayloadsCarryDecimalsExactlyAndDatesAsJacksonWritesThem) {
  Apply a;
  a.amount = Decimal("12345678901234567890.10");
  a.orderDate = Timestamp(1'796'195'730'123);
  const std::string payload = hexa::encode_payload("Applied", 1, hexa::to_record(a));
  EXPECT_NE(payload.find(R"("amount":12345678901234567890.10)"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("orderDate":"2026-12-02T07:15:30.123+00:00")"), std::string::npos) << payload;
  const auto e = hexa::from_record<Applied>(hexa::decode_payload(payload));
  EXPECT_EQ(e.amount.text(), "12345678901234567890.10");
  EXPECT_EQ(e.orderDate, a.orderDate);
  // A payload from another stack: a plain JSON number and epoch milliseconds.
  const auto other = hexa::from_record<Applied>(hexa::decode_payload(R"({"amount":1000.5,"orderDate":1796195730123})"));
  EXPECT_EQ(other.amount.text(), "1000.5");
  EXPECT_EQ(other.orderDate, a.orderDate);
}

}  // namespace
