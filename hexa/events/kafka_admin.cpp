#include "hexa/events/kafka_admin.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <thread>

#include "hexa/model/errors.hpp"

namespace hexa::kafka {

namespace {

using NewTopic = std::unique_ptr<rd_kafka_NewTopic_t, Deleter<rd_kafka_NewTopic_destroy>>;
using Metadata = std::unique_ptr<const struct rd_kafka_metadata, Deleter<rd_kafka_metadata_destroy>>;
using AdminOptions = std::unique_ptr<rd_kafka_AdminOptions_t, Deleter<rd_kafka_AdminOptions_destroy>>;

NewTopic new_topic(const TopicSpec& spec) {
  std::array<char, 512> error{};
  NewTopic topic(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication, error.data(),
                                       error.size()));
  if (!topic) throw Invalid("kafka topic " + spec.name + ": " + error.data());
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

bool has_leaders(const rd_kafka_metadata_topic& t) {
  return t.partition_cnt > 0 && std::all_of(t.partitions, t.partitions + t.partition_cnt,
                                            [](const auto& p) { return p.leader >= 0; });
}

// Whether the cluster lists the topic with a leader for every partition.
bool exists(rd_kafka_t* rk, const TopicSpec& spec, std::chrono::milliseconds timeout) {
  // All topics: asking for one by name may auto-create it with the broker's defaults.
  const struct rd_kafka_metadata* answer = nullptr;
  const auto err = rd_kafka_metadata(rk, 1, nullptr, &answer, static_cast<int>(timeout.count()));
  const Metadata metadata(answer);
  if (err) throw Unavailable(std::string("kafka: cluster metadata: ") + rd_kafka_err2str(err));
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& t = metadata->topics[i];
    if (t.topic != spec.name || t.err != RD_KAFKA_RESP_ERR_NO_ERROR || !has_leaders(t)) continue;
    if (t.partition_cnt != spec.partitions)
      spdlog::warn("kafka: topic {} has {} partitions, not the configured {}; used as it is", spec.name,
                   t.partition_cnt, spec.partitions);
    return true;
  }
  return false;
}

void create(rd_kafka_t* rk, const TopicSpec& spec, std::chrono::milliseconds timeout) {
  auto topic = new_topic(spec);
  const auto options = create_options(rk, timeout);
  Queue answers(rd_kafka_queue_new(rk));
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(rk, topics, 1, options.get(), answers.get());
  QueueEvent answer(rd_kafka_queue_poll(answers.get(), static_cast<int>(timeout.count()) + 1000));
  if (!answer) throw Unavailable("kafka: no answer creating topic " + spec.name);
  if (rd_kafka_event_error(answer.get()))
    throw Unavailable("kafka: creating topic " + spec.name + ": " + rd_kafka_event_error_string(answer.get()));
  std::size_t count = 0;
  const auto* results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(answer.get()), &count);
  const auto err = count == 1 ? rd_kafka_topic_result_error(results[0]) : RD_KAFKA_RESP_ERR__FAIL;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::info("kafka: created topic {} ({} partitions, replication {})", spec.name, spec.partitions,
                 spec.replication);
  } else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {  // another client was first: fine
    const char* why = count == 1 ? rd_kafka_topic_result_error_string(results[0]) : nullptr;
    throw Unavailable("kafka: creating topic " + spec.name + ": " + (why ? why : rd_kafka_err2str(err)));
  }
}

}  // namespace

void ensure_topic(rd_kafka_t* rk, const TopicSpec& topic, std::chrono::milliseconds timeout) {
  if (exists(rk, topic, timeout)) return;
  create(rk, topic, timeout);
  // A new topic reaches the brokers' metadata a little after CreateTopics returns. A consumer
  // that subscribes before then finds it "not available" and looks again only at its next
  // metadata refresh (tens of seconds): wait until the cluster lists it. No notification
  // exists for this, so ask every 50 ms.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exists(rk, topic, timeout)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw Unavailable("kafka: topic " + topic.name + " created but not yet visible");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Admin::Admin(const KafkaBusOptions& options)
    : options_(options), client_(make_client(RD_KAFKA_PRODUCER, base_conf(options, "hexa-admin"), options)) {}

void Admin::ensure_topic(const std::string& cluster_name) {
  {
    std::lock_guard lock(mutex_);
    if (known_.contains(cluster_name)) return;
  }
  kafka::ensure_topic(client_.get(), {cluster_name, options_.partitions, options_.replication},
                      options_.publish_timeout);
  std::lock_guard lock(mutex_);
  known_.insert(cluster_name);
}

bool Admin::healthy(std::chrono::milliseconds timeout) {
  const struct rd_kafka_metadata* answer = nullptr;
  const auto err = rd_kafka_metadata(client_.get(), 0, nullptr, &answer, static_cast<int>(timeout.count()));
  const Metadata metadata(answer);  // freed however it went
  return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace hexa::kafka
