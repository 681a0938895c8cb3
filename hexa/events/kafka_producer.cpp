#include "hexa/events/kafka_producer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "hexa/events/kafka_codec.hpp"
#include "hexa/model/errors.hpp"

namespace hexa::kafka {

namespace {

void* tag(std::uint64_t batch) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(batch)); }
std::uint64_t batch_of(const rd_kafka_message_t& m) { return reinterpret_cast<std::uintptr_t>(m._private); }

int poll_ms(std::chrono::steady_clock::duration left) {
  using namespace std::chrono;
  return static_cast<int>(std::clamp<milliseconds::rep>(ceil<milliseconds>(left).count(), 1, 100));
}

}  // namespace

Producer::Producer(const KafkaBusOptions& options) : options_(options), client_(make_producer()) {}

Producer::~Producer() {
  std::lock_guard lock(mutex_);
  // Every publish waited for its reports; what could remain are the tails of timed-out ones.
  rd_kafka_flush(client_.get(), 1000);
}

Client Producer::make_producer() {
  auto conf = base_conf(options_, "hexa-producer");
  set(conf.get(), "enable.idempotence", "true");
  set(conf.get(), "acks", "all");
  set(conf.get(), "linger.ms", std::to_string(options_.linger.count()));
  set(conf.get(), "message.timeout.ms", std::to_string(options_.publish_timeout.count()));
  // The Java client's partitioner: a key lands on the same partition whichever stack sent it.
  set(conf.get(), "partitioner", "murmur2_random");
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  rd_kafka_conf_set_opaque(conf.get(), this);
  return make_client(RD_KAFKA_PRODUCER, std::move(conf), options_);
}

void Producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* self) {
  static_cast<Producer*>(self)->delivered(*message);
}

// Runs inside rd_kafka_poll/flush, called only by the thread holding mutex_.
void Producer::delivered(const rd_kafka_message_t& m) {
  if (batch_of(m) != batch_.id || batch_.pending == 0) return;  // an abandoned batch's tail
  --batch_.pending;
  if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR && batch_.error.empty())
    batch_.error = std::string(rd_kafka_err2name(m.err)) + ": " + rd_kafka_err2str(m.err);
}

void Producer::publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  std::lock_guard lock(mutex_);
  renew_if_fatal();
  batch_ = Batch{++last_batch_, 0, {}};
  // librdkafka reports every message within message.timeout.ms; the margin covers the report.
  const auto deadline = Clock::now() + options_.publish_timeout + std::chrono::seconds(1);
  enqueue(events, deadline);
  await(deadline);
  if (batch_.pending > 0)
    throw Unavailable("kafka: " + std::to_string(batch_.pending) + " of " + std::to_string(events.size()) +
                      " events not acknowledged in time");
  if (!batch_.error.empty()) throw Unavailable("kafka: publish failed: " + batch_.error);
}

void Producer::enqueue(const std::vector<Event>& events, Clock::time_point deadline) {
  for (const auto& e : events) {
    const auto topic = options_.cluster_name(e.topic);
    auto err = produce(client_.get(), e, topic, tag(batch_.id));
    // A full local queue drains as reports are served: wait for room, not for failure.
    while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && Clock::now() < deadline) {
      rd_kafka_poll(client_.get(), 10);
      err = produce(client_.get(), e, topic, tag(batch_.id));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      batch_.error = "event " + e.id + " to " + e.topic + ": " + rd_kafka_err2str(err);
      return;  // the rest would fail too or land out of order; those enqueued are awaited
    }
    ++batch_.pending;
  }
}

void Producer::await(Clock::time_point deadline) {
  // rd_kafka_poll returns as soon as a report was served: no sleeping in steps.
  while (batch_.pending > 0) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return;
    rd_kafka_poll(client_.get(), poll_ms(left));
  }
}

void Producer::renew_if_fatal() {
  std::array<char, 512> reason{};
  const auto err = rd_kafka_fatal_error(client_.get(), reason.data(), reason.size());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  spdlog::error("kafka producer: fatal {} ({}); starting a new producer", rd_kafka_err2name(err),
                reason.data());
  client_ = make_producer();
}

}  // namespace hexa::kafka
