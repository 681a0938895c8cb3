#include "hexa/events/kafka_admin.hpp"

#include <spdlog/spdlog.h>

#include <array>

#include "hexa/model/errors.hpp"

namespace hexa::kafka {

namespace {

using NewTopic = std::unique_ptr<rd_kafka_NewTopic_t, Deleter<rd_kafka_NewTopic_destroy>>;
using Metadata = std::unique_ptr<const struct rd_kafka_metadata, Deleter<rd_kafka_metadata_destroy>>;
using AdminOptions = std::unique_ptr<rd_kafka_AdminOptions_t, Deleter<rd_kafka_AdminOptions_destroy>>;

NewTopic new_topic(const std::string& name, int partitions, int replication) {
  std::array<char, 512> error{};
  NewTopic topic(rd_kafka_NewTopic_new(name.c_str(), partitions, replication, error.data(), error.size()));
  if (!topic) throw Invalid("kafka topic " + name + ": " + error.data());
  return topic;
}

AdminOptions create_options(rd_kafka_t* rk, std::chrono::milliseconds timeout) {
  AdminOptions options(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS));
  std::array<char, 512> error{};
  const auto ms = static_cast<int>(timeout.count());
  rd_kafka_AdminOptions_set_request_timeout(options.get(), ms, error.data(), error.size());
  // Answer only once the topic has leaders: a publish right after creation then finds it.
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), ms, error.data(), error.size());
  return options;
}

}  // namespace

Admin::Admin(const KafkaBusOptions& options)
    : partitions_(options.partitions),
      replication_(options.replication),
      timeout_(options.publish_timeout),
      client_(make_client(RD_KAFKA_PRODUCER, base_conf(options, "hexa-admin"), options)) {}

void Admin::ensure_topic(const std::string& topic) {
  {
    std::lock_guard lock(mutex_);
    if (known_.contains(topic)) return;
  }
  if (!exists(topic)) create_topic(topic);
  std::lock_guard lock(mutex_);
  known_.insert(topic);
}

bool Admin::exists(const std::string& topic) {
  // All topics: asking for one by name may auto-create it with the broker's defaults.
  const struct rd_kafka_metadata* answer = nullptr;
  const auto err = rd_kafka_metadata(client_.get(), 1, nullptr, &answer, static_cast<int>(timeout_.count()));
  const Metadata metadata(answer);
  if (err) throw Unavailable(std::string("kafka: cluster metadata: ") + rd_kafka_err2str(err));
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& t = metadata->topics[i];
    if (t.topic != topic || t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    if (t.partition_cnt != partitions_)
      spdlog::warn("kafka: topic {} has {} partitions, not the configured {}; used as it is", topic,
                   t.partition_cnt, partitions_);
    return true;
  }
  return false;
}

void Admin::create_topic(const std::string& topic) {
  auto spec = new_topic(topic, partitions_, replication_);
  const auto options = create_options(client_.get(), timeout_);
  Queue answers(rd_kafka_queue_new(client_.get()));
  rd_kafka_NewTopic_t* specs[] = {spec.get()};
  rd_kafka_CreateTopics(client_.get(), specs, 1, options.get(), answers.get());
  QueueEvent answer(rd_kafka_queue_poll(answers.get(), static_cast<int>(timeout_.count()) + 1000));
  if (!answer) throw Unavailable("kafka: no answer creating topic " + topic);
  if (rd_kafka_event_error(answer.get()))
    throw Unavailable("kafka: creating topic " + topic + ": " + rd_kafka_event_error_string(answer.get()));
  std::size_t count = 0;
  const auto* results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(answer.get()), &count);
  const auto err = count == 1 ? rd_kafka_topic_result_error(results[0]) : RD_KAFKA_RESP_ERR__FAIL;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::info("kafka: created topic {} ({} partitions, replication {})", topic, partitions_, replication_);
  } else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    const char* why = count == 1 ? rd_kafka_topic_result_error_string(results[0]) : nullptr;
    throw Unavailable("kafka: creating topic " + topic + ": " + (why ? why : rd_kafka_err2str(err)));
  }
}

bool Admin::healthy(std::chrono::milliseconds timeout) {
  const struct rd_kafka_metadata* answer = nullptr;
  const auto err = rd_kafka_metadata(client_.get(), 0, nullptr, &answer, static_cast<int>(timeout.count()));
  const Metadata metadata(answer);  // freed however it went
  return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace hexa::kafka
