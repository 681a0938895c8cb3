#pragma once
// The Kafka bus's publisher: an idempotent producer (enable.idempotence: no duplicates or
// reordering from its own retries) writing with acks=all, whose publish() returns only when
// the broker has acknowledged every event of the batch.
//
// One publish at a time, by design: the outbox relay is one thread per service, and the
// publishing thread then serves its own delivery reports (rd_kafka_poll) without handing them
// across threads. Each batch has an id carried by its messages, so a late report from an
// earlier batch that timed out is never counted for the next one. Should the producer hit a
// fatal error (e.g. the broker lost acknowledged data: the idempotence sequence no longer
// fits), it is replaced by a new one at the next publish, so the service recovers by itself.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "hexa/events/event.hpp"
#include "hexa/events/kafka_client.hpp"

namespace hexa::kafka {

class Producer {
 public:
  explicit Producer(const KafkaBusOptions& options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Returns once every event is acknowledged by all in-sync replicas; throws hexa::Unavailable
  // when one is refused or not acknowledged within the publish timeout.
  void publish(const std::vector<Event>& events);

 private:
  using Clock = std::chrono::steady_clock;
  struct Batch {
    std::uint64_t id = 0;
    std::size_t pending = 0;  // enqueued, no report yet
    std::string error;        // the first failure
  };

  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* self);
  void delivered(const rd_kafka_message_t& message);
  Client make_producer();
  void renew_if_fatal();
  void enqueue(const std::vector<Event>& events, Clock::time_point deadline);
  void await(Clock::time_point deadline);

  const KafkaBusOptions options_;
  std::mutex mutex_;  // one publish at a time; everything below is touched under it
  Batch batch_;
  std::uint64_t last_batch_ = 0;
  Client client_;
};

}  // namespace hexa::kafka
