// The Kafka bus URL: what a user writes in application.yaml or BUS_URL, and what it means.
#include <gtest/gtest.h>

#include "hexa/events/bus.hpp"
#include "hexa/events/kafka_options.hpp"
#include "hexa/model/errors.hpp"

namespace {

using namespace std::chrono_literals;

TEST(KafkaOptions, DefaultsSuitTheDevBroker) {
  const auto o = hexa::kafka_options_from_url("kafka://127.0.0.1:9092");
  EXPECT_EQ(o.bootstrap, "127.0.0.1:9092");
  EXPECT_EQ(o.partitions, 8);
  EXPECT_EQ(o.replication, 1);
  EXPECT_EQ(o.publish_timeout, 10s);
  EXPECT_EQ(o.session_timeout, 10s);
  EXPECT_EQ(o.fetch_wait, 10ms);
  EXPECT_EQ(o.linger, 0ms);
  EXPECT_EQ(o.cluster_name("orders"), "orders");
}

TEST(KafkaOptions, ParametersAndPassThroughProperties) {
  const auto o = hexa::kafka_options_from_url(
      "kafka://b1:9092,b2:9092?partitions=12&replication=3&publish_timeout_ms=5000&session_timeout_ms=6000"
      "&heartbeat_ms=500&fetch_wait_ms=5&linger_ms=2&namespace=ci-42&rdkafka.security.protocol=SSL");
  EXPECT_EQ(o.bootstrap, "b1:9092,b2:9092");
  EXPECT_EQ(o.partitions, 12);
  EXPECT_EQ(o.replication, 3);
  EXPECT_EQ(o.publish_timeout, 5s);
  EXPECT_EQ(o.session_timeout, 6s);
  EXPECT_EQ(o.heartbeat, 500ms);
  EXPECT_EQ(o.fetch_wait, 5ms);
  EXPECT_EQ(o.linger, 2ms);
  EXPECT_EQ(o.cluster_name("orders"), "ci-42.orders");
  EXPECT_EQ(o.rdkafka.at("security.protocol"), "SSL");
}

TEST(KafkaOptions, MistakesAreRefusedWithTheirName) {
  EXPECT_THROW(hexa::kafka_options_from_url("kafka://h:9092?partition=8"), hexa::Invalid);  // typo
  EXPECT_THROW(hexa::kafka_options_from_url("kafka://h:9092?partitions=0"), hexa::Invalid);
  EXPECT_THROW(hexa::kafka_options_from_url("kafka://h:9092?linger_ms=soon"), hexa::Invalid);
  EXPECT_THROW(hexa::kafka_options_from_url("kafka://"), hexa::Invalid);
  // librdkafka refuses an unknown property when the bus is opened.
  EXPECT_THROW(hexa::open_bus("kafka://127.0.0.1:1?rdkafka.no.such.property=1"), hexa::Invalid);
}

TEST(KafkaOptions, OpenBusDispatchesTheScheme) {
  // Connecting is lazy: a bus on a port where nothing listens opens, and reports unhealthy.
  auto bus = hexa::open_bus("kafka://127.0.0.1:1?publish_timeout_ms=500");
  ASSERT_NE(bus, nullptr);
  EXPECT_FALSE(bus->healthy());
}

}  // namespace
