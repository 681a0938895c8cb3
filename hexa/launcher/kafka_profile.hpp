#pragma once
// The `kafka` profile of `hexa up` (`make run PROFILE=kafka`): every instance gets
// BUS_URL=kafka://<bootstrap>?partitions=N instead of the embedded log bus (unless --env set
// BUS_URL), and when nothing
// answers at a loopback bootstrap address, scripts/kafka-dev starts the dev broker there
// first (data in <data>/kafka; it keeps running after the launcher: `scripts/kafka-dev stop`).
//
// The address: $KAFKA_BOOTSTRAP, else system.yaml's `profiles: {kafka: {bootstrap: host:port}}`,
// else 127.0.0.1:9092. Partitions: `profiles.kafka.partitions`, else 8.
#include <filesystem>
#include <optional>
#include <string>

#include "hexa/launcher/plan.hpp"
#include "hexa/launcher/system_spec.hpp"

namespace hexa::launcher {

struct KafkaProfile {
  std::string bootstrap;  // "host:port[,host:port]"
  int partitions = 8;
  std::string bus_url() const;
};

// The profile when `profiles` names kafka, nothing otherwise. `env_bootstrap` is
// $KAFKA_BOOTSTRAP. Throws std::runtime_error for a malformed system.yaml section.
std::optional<KafkaProfile> kafka_profile(const SystemSpec& spec, const std::string& profiles,
                                          const char* env_bootstrap);

// For `hexa up`: with the kafka profile, points every instance at Kafka and starts the local
// broker when none answers (its output appended to <plan>/logs/kafka-dev.log and shown).
// Throws std::runtime_error when that start fails. Without the profile it does nothing.
void use_kafka_profile(Plan& plan, const SystemSpec& spec, const std::string& profiles);

}  // namespace hexa::launcher
