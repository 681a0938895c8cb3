#pragma once
// KafkaBus: the event bus on Apache Kafka ("kafka://host:port?partitions=8", options in
// kafka_options.hpp), through librdkafka.
//
// Topics. One topic per system's event stream (the topic an Event names: the system's name,
// as the seeds' single topic), not one per aggregate: a policy often reacts to events of
// several aggregates of one business case (contract, pay, reservation, all keyed by the
// contract id), and only within one topic does Kafka keep their order; a consumer then also
// subscribes to one stream and sees all it needs. The bus creates a topic it publishes to or
// subscribes to when missing (CreateTopics with `partitions`, `replication`; kafka_admin.hpp).
//
// Records. key = the event's correlation key, so one business case stays on one partition, in
// order; value = the payload JSON unchanged; the rest of the envelope in headers
// (kafka_codec.hpp).
//
// Publishing (kafka_producer.hpp): idempotent producer, acks=all, no linger; publish()
// returns once every event of the batch is acknowledged, and throws hexa::Unavailable
// otherwise, so the outbox relay removes rows only after the ack.
//
// Consuming (kafka_subscription.hpp): consumer group = the consuming service, offsets
// committed by hand after the handler returned, committed again before partitions are
// released at a rebalance.
//
// Durability: acks=all waits for every in-sync replica. On the single dev broker that is one
// copy in the broker's page cache (Kafka does not fsync per write): an acknowledged event
// survives a broker crash, not a power cut. Production: replication 3, min.insync.replicas 2.
#include <memory>
#include <string>

#include "hexa/events/bus.hpp"
#include "hexa/events/kafka_admin.hpp"
#include "hexa/events/kafka_options.hpp"
#include "hexa/events/kafka_producer.hpp"

namespace hexa {

class KafkaBus final : public EventBus {
 public:
  // Connects lazily: a broker that is down makes publish() fail and healthy() false, not this.
  explicit KafkaBus(KafkaBusOptions options);

  void publish(const std::vector<Event>& events) override;
  // Subscriptions hold their own consumer: they may outlive the KafkaBus object.
  std::unique_ptr<Subscription> subscribe_batches(SubscriptionOptions options, BatchHandler handler) override;
  bool healthy() override;

 private:
  const KafkaBusOptions options_;
  kafka::Admin admin_;
  kafka::Producer producer_;
};

std::unique_ptr<EventBus> open_kafka_bus(const std::string& url);

}  // namespace hexa
