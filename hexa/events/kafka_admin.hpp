#pragma once
// Administrative calls of the Kafka bus: topics are created before first use, and health
// checks ask the cluster for metadata.
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "hexa/events/kafka_client.hpp"

namespace hexa::kafka {

struct TopicSpec {
  std::string name;  // on the cluster
  int partitions = 8;
  int replication = 1;
};

// Creates the topic unless the cluster's metadata lists it (an existing topic is used as it
// is: a cluster whose ACLs refuse CreateTopics works once operations created it). Any client
// handle will do. Throws hexa::Unavailable when the cluster does not answer within `timeout`.
void ensure_topic(rd_kafka_t* rk, const TopicSpec& topic, std::chrono::milliseconds timeout);

// The bus's own administrative client: publish() ensures topics through it (remembering those
// seen, so the cost is paid once per topic) and healthy() asks it. A client of its own, so
// neither waits behind a publish in progress.
class Admin {
 public:
  explicit Admin(const KafkaBusOptions& options);

  void ensure_topic(const std::string& cluster_name);
  // True when the cluster answers a metadata request within `timeout`.
  bool healthy(std::chrono::milliseconds timeout = std::chrono::milliseconds{1000});

 private:
  const KafkaBusOptions options_;
  Client client_;
  std::mutex mutex_;
  std::set<std::string> known_;  // under mutex_
};

}  // namespace hexa::kafka
