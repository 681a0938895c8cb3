#pragma once
// Settings of the Kafka bus, read from its URL:
//   kafka://host:port[,host:port...]?partitions=8&replication=1&publish_timeout_ms=10000
//          &session_timeout_ms=10000&heartbeat_ms=1000&fetch_wait_ms=10&linger_ms=1
//          &namespace=<name>&rdkafka.<librdkafka property>=<value>
//          (e.g. rdkafka.security.protocol=SSL)
#include <chrono>
#include <map>
#include <string>

namespace hexa {

struct KafkaBusOptions {
  std::string bootstrap;  // librdkafka's bootstrap.servers
  // For topics the bus creates (an existing topic keeps its own): 8 partitions let up to 8
  // replicas of a service share a stream; replication 1 suits the single dev broker only.
  int partitions = 8;
  int replication = 1;
  // A publish that is not acknowledged within this fails with hexa::Unavailable (the outbox
  // relay retries it). librdkafka's default (5 min) would stall the relay far too long.
  std::chrono::milliseconds publish_timeout{10'000};
  // A member that stops heartbeating (kill -9) loses its partitions after this; a member that
  // stops cleanly leaves the group at once.
  std::chrono::milliseconds session_timeout{10'000};
  std::chrono::milliseconds heartbeat{1'000};  // also how soon members notice a rebalance
  std::chrono::milliseconds fetch_wait{10};    // the broker answers an empty fetch after this
  // Producer batching window. 0: publish() waits for the ack anyway, and a batch is enqueued
  // at once, so librdkafka still packs it while its first request is in flight; measured on
  // the dev broker, 1 ms cost ~1 ms of publish-to-handle p50 and gained no throughput.
  std::chrono::milliseconds linger{0};
  std::map<std::string, std::string> rdkafka;  // passed to every client as is
  // When set, topics and groups are named "<namespace>.<name>" on the cluster, and consumers
  // see the plain name: one cluster serves several systems, environments or test runs that
  // never see each other's events or positions.
  std::string name_space;

  std::string cluster_name(const std::string& name) const {
    return name_space.empty() ? name : name_space + "." + name;
  }
};

// Throws hexa::Invalid for a malformed URL, an unknown parameter or a value out of range.
KafkaBusOptions kafka_options_from_url(const std::string& url);

}  // namespace hexa
