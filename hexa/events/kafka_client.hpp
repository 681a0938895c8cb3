#pragma once
// librdkafka's C handles as RAII types, and the configuration every client of the Kafka bus
// shares (producer, consumers, admin). The C API is used directly: it is what Debian ships
// in librdkafka-dev, and its C++ wrapper adds virtual calls but no safety we need.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "hexa/events/kafka_options.hpp"

namespace hexa::kafka {

// Deleter calling the library's own destroy function for the type.
template <auto Destroy>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Destroy(p);
  }
};

using Client = std::unique_ptr<rd_kafka_t, Deleter<rd_kafka_destroy>>;
using Conf = std::unique_ptr<rd_kafka_conf_t, Deleter<rd_kafka_conf_destroy>>;
using PartitionList =
    std::unique_ptr<rd_kafka_topic_partition_list_t, Deleter<rd_kafka_topic_partition_list_destroy>>;
using Message = std::unique_ptr<rd_kafka_message_t, Deleter<rd_kafka_message_destroy>>;
using Headers = std::unique_ptr<rd_kafka_headers_t, Deleter<rd_kafka_headers_destroy>>;
using Queue = std::unique_ptr<rd_kafka_queue_t, Deleter<rd_kafka_queue_destroy>>;
using QueueEvent = std::unique_ptr<rd_kafka_event_t, Deleter<rd_kafka_event_destroy>>;
using Error = std::unique_ptr<rd_kafka_error_t, Deleter<rd_kafka_error_destroy>>;

// Sets one property; throws hexa::Invalid naming it when librdkafka refuses the name or value.
void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

// bootstrap.servers, client.id, low-latency sockets, logging through spdlog.
Conf base_conf(const KafkaBusOptions& options, const std::string& client_id);

// Creates the client after applying the URL's "rdkafka.*" properties (last, so they can
// override ours); takes `conf` only on success. Throws hexa::Invalid.
Client make_client(rd_kafka_type_t type, Conf conf, const KafkaBusOptions& options);

// A one-partition list: [topic/partition@offset].
PartitionList one_partition(const std::string& topic, std::int32_t partition, std::int64_t offset);

}  // namespace hexa::kafka
