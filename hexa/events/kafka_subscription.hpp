#pragma once
// One member of a Kafka consumer group: group.id = the consuming service, client.id and
// group.instance.id = the instance (a static member). Kafka's group coordinator shares the
// topic's partitions among the live members and moves them when replicas come and go: a clean
// stop leaves the group at once; a killed member's partitions go to the others after
// session_timeout, or back to the same instance as soon as it is restarted.
//
// The thread first makes sure the topic exists and subscribes, retrying (back-off up to 5 s)
// while the cluster does not answer: a service starts, and reports its bus down, before Kafka
// is up, and catches up once it is.
//
// One thread per subscription polls the consumer and hands the handler batches: after a poll
// returns a record, what else is already fetched is taken at once (zero-timeout polls, up to
// 256 records), so under load one handler call (one store transaction) covers many
// records, and an idle stream still gets a lone record without delay. Records of a partition
// keep their order within and across batches. Offsets are committed by hand
// (enable.auto.commit is off), only for the records the handler reported handled (the prefix
// of the batch it returned), after it returned: each such partition's next offset is noted,
// and notes not yet sent are committed asynchronously at most every 10 ms (commits go out in
// order on one connection; a failed one is sent again, backing off 1 s). A crash thus
// redelivers what was handled since the last commit; handlers deduplicate by event id.
//
// Rebalances. The rebalance callback only runs inside poll calls, so never while the handler
// runs: a batch is handled and its offsets noted while its partitions are still ours. Polls do
// run while a batch is being gathered, though: a revocation then commits every noted position
// synchronously and drops the gathered, not yet handled records (an eager protocol releases
// every partition; their offsets were never noted, so nothing of them is committed; the next
// owner, perhaps this member again, fetches them from the committed offset). A record is thus
// handled, if at all, only while its partition is owned, and a clean hand-over redelivers
// nothing and never commits a record nobody handled.
//
// A batch not wholly handled (the handler threw: none handled; or it returned fewer): every
// partition with an unhandled record is paused and rewound to its first unhandled record
// (pause + seek), and resumed after retry_delay, so that record comes again first; partitions
// whose records were all handled go on.
//
// Start::latest (a new group starts at the end, as of subscription): see
// start_new_group_at_end; Kafka's lazy assignment must not skip what was published meanwhile.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hexa/events/bus.hpp"
#include "hexa/events/kafka_admin.hpp"
#include "hexa/events/kafka_client.hpp"

namespace hexa::kafka {

class Subscription final : public hexa::Subscription {
 public:
  Subscription(const KafkaBusOptions& bus, SubscriptionOptions options, BatchHandler handler);
  ~Subscription() override;  // finishes the batch in hand, commits, leaves the group
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  std::uint64_t handled() const override { return handled_.load(); }
  std::vector<PartitionLag> lag() const override;

 private:
  using Clock = std::chrono::steady_clock;
  // Records gathered for the handler, not handled yet: events[i] is at places[i].
  struct Batch {
    std::vector<Event> events;
    std::vector<std::pair<std::int32_t, std::int64_t>> places;  // partition, offset
    void add(rd_kafka_message_t& message, const std::string& topic);
    void clear();
  };

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* self);
  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* self);
  Client make_consumer(const KafkaBusOptions& bus);
  void rebalanced(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  void start_new_group_at_end(rd_kafka_topic_partition_list_t& partitions);
  void run() noexcept;
  bool join();  // false: the cluster did not answer yet
  void wait_to_rejoin(std::chrono::milliseconds delay);
  void leave_group();
  bool in_group() const;
  void poll_once();
  bool take(Message message);  // false: nothing to hand over (none, an error, a paused partition)
  void gather(Message first);
  void handle_batch();
  std::size_t call_handler();  // how many handled, from the front
  void retry_rest(std::size_t handled);
  bool dirty() const;  // handled records whose offsets were not sent in a commit
  void commit_async();
  void commit_all_now();
  void committed(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t& offsets);
  PartitionList offsets_list(bool only_unsent) const;
  void retry_later(std::int32_t partition, std::int64_t offset);
  void resume(std::int32_t partition);
  void resume_due();
  void resume_all();
  int poll_timeout_ms() const;
  // The assigned partitions' high watermarks (as last fetched: no request to the cluster)
  // less this member's position, for lag().
  void measure_lag();

  const SubscriptionOptions options_;  // with the names the application knows
  const TopicSpec topic_;               // the topic's name on the cluster, and its shape
  const BatchHandler handler_;
  const std::int64_t subscribed_ms_;  // Start::latest: records stamped from then on are delivered
  // Touched by the consumer thread only (the callbacks run inside its poll calls).
  Batch batch_;                                      // in hand: a revocation while gathering drops it
  std::map<std::int32_t, std::int64_t> positions_;   // partition -> offset after the last handled
  std::map<std::int32_t, std::int64_t> sent_;        // partition -> offset in the last commit sent
  std::map<std::int32_t, Clock::time_point> paused_; // partition -> retry time
  std::map<std::int32_t, std::int64_t> unhandled_;   // partition -> offset a handler last failed on
  Clock::time_point next_commit_{};                  // commits are spaced (and back off on failure)
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> handled_{0};
  Clock::time_point next_lag_{};
  mutable std::mutex lag_mutex_;
  std::vector<PartitionLag> lag_;  // under lag_mutex_
  Client consumer_;     // after the state its callbacks use
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace hexa::kafka
