#pragma once
// The Kafka bus's administrative client: creates topics before first use, and answers health
// checks. A client of its own, so neither waits behind a publish in progress.
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "hexa/events/kafka_client.hpp"

namespace hexa::kafka {

class Admin {
 public:
  explicit Admin(const KafkaBusOptions& options);

  // Creates `topic` with the configured partitions and replication unless the cluster's
  // metadata lists it (an existing topic is used as it is: a cluster whose ACLs refuse
  // CreateTopics works once operations created it). Remembers topics seen, so the cost is
  // paid once. Throws hexa::Unavailable when the cluster does not answer.
  void ensure_topic(const std::string& topic);
  // True when the cluster answers a metadata request within `timeout`.
  bool healthy(std::chrono::milliseconds timeout = std::chrono::milliseconds{1000});

 private:
  bool exists(const std::string& topic);
  void create_topic(const std::string& topic);

  const int partitions_;
  const int replication_;
  const std::chrono::milliseconds timeout_;
  Client client_;
  std::mutex mutex_;
  std::set<std::string> known_;  // under mutex_
};

}  // namespace hexa::kafka
