#include "hexa/events/kafka_subscription.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "hexa/events/kafka_codec.hpp"
#include "hexa/model/errors.hpp"

namespace hexa::kafka {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxBatch = 256;  // records per handler call: one store transaction
constexpr auto kCommitSpacing = 10ms;
constexpr auto kCommitBackoff = 1s;
constexpr auto kIdlePoll = 100ms;  // how soon a stop request is seen
constexpr int kSeekTimeoutMs = 5000;
constexpr auto kJoinTimeout = 2s;  // per attempt: also bounds how long a stop may wait
constexpr auto kRejoinMin = 500ms;
constexpr auto kRejoinMax = 5s;
constexpr auto kLeaveTimeout = 2s;  // a broker that does not answer: close() gives up too

std::string partition_names(const rd_kafka_topic_partition_list_t& list) {
  std::string out;
  for (int i = 0; i < list.cnt; ++i) {
    if (i > 0) out += ',';  // appended piecewise: dodges a GCC 12 -Wrestrict false alarm
    out += std::to_string(list.elems[i].partition);
  }
  return out;
}

}  // namespace

Subscription::Subscription(const KafkaBusOptions& bus, SubscriptionOptions options, BatchHandler handler)
    : options_(std::move(options)),
      topic_{bus.cluster_name(options_.topic), bus.partitions, bus.replication},
      handler_(std::move(handler)),
      subscribed_ms_(now_ms()),
      consumer_(make_consumer(bus)),
      thread_([this] { run(); }) {}

Subscription::~Subscription() {
  stop_ = true;
  thread_.join();
}

Client Subscription::make_consumer(const KafkaBusOptions& bus) {
  auto conf = base_conf(bus, options_.member.empty() ? options_.group : options_.member);
  set(conf.get(), "group.id", bus.cluster_name(options_.group));
  set(conf.get(), "enable.auto.commit", "false");
  set(conf.get(), "enable.auto.offset.store", "false");
  // A new group starts at the beginning, or (Start::latest) at the end, as of subscription:
  // see start_new_group_at_end; "latest" is only the fallback should that lookup fail.
  set(conf.get(), "auto.offset.reset", options_.start == Start::latest ? "latest" : "earliest");
  set(conf.get(), "fetch.wait.max.ms", std::to_string(bus.fetch_wait.count()));
  set(conf.get(), "session.timeout.ms", std::to_string(bus.session_timeout.count()));
  set(conf.get(), "heartbeat.interval.ms", std::to_string(bus.heartbeat.count()));
  // Static membership (KIP-345): an instance restarted under its id (kill -9, then healed by
  // the launcher) takes its partitions back as soon as it joins, where a new dynamic member
  // would wait for the dead one's session to time out, its partitions idle meanwhile.
  if (!options_.member.empty()) set(conf.get(), "group.instance.id", options_.member);
  // Eager protocols: every member lets go of all partitions at a rebalance, which keeps the
  // hand-over rule (commit, then release) simple. The Java client's default includes "range".
  set(conf.get(), "partition.assignment.strategy", "range,roundrobin");
  set(conf.get(), "queued.max.messages.kbytes", "8192");  // prefetch per consumer: a small machine
  rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), on_commit);
  rd_kafka_conf_set_opaque(conf.get(), this);
  auto consumer = make_client(RD_KAFKA_CONSUMER, std::move(conf), bus);
  rd_kafka_poll_set_consumer(consumer.get());  // logs and errors are served by consumer_poll too
  return consumer;
}

bool Subscription::join() {
  try {
    ensure_topic(consumer_.get(), topic_, kJoinTimeout);
    PartitionList topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), topic_.name.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto err = rd_kafka_subscribe(consumer_.get(), topics.get()))
      throw Unavailable(std::string("kafka: subscribe: ") + rd_kafka_err2str(err));
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("kafka consumer {}/{}: cannot subscribe to {} yet: {}", options_.group, options_.member,
                 options_.topic, e.what());
    return false;
  }
}

void Subscription::wait_to_rejoin(std::chrono::milliseconds delay) {
  const auto until = Clock::now() + delay;
  // Polling serves librdkafka's logs meanwhile; an unsubscribed consumer returns nothing.
  while (!stop_ && Clock::now() < until) Message(rd_kafka_consumer_poll(consumer_.get(), 100));
}

void Subscription::measure_lag() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const PartitionList assigned(raw);
  rd_kafka_position(consumer_.get(), assigned.get());  // the fetch positions, where none was handled yet
  std::vector<PartitionLag> measured;
  for (int i = 0; i < assigned->cnt; ++i) {
    const auto partition = assigned->elems[i].partition;
    std::int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(consumer_.get(), topic_.name.c_str(), partition, &low, &high) ||
        high < 0)
      continue;  // nothing fetched from it yet: unknown, not 0
    // After the last handled record; else the first one a handler failed on; else where
    // fetching stands (nothing handled or failed yet).
    const auto handled = positions_.find(partition);
    const auto failed = unhandled_.find(partition);
    const std::int64_t position = handled != positions_.end() ? handled->second
                                  : failed != unhandled_.end() ? failed->second
                                                               : assigned->elems[i].offset;
    if (position < 0) continue;  // no position yet (a logical offset): unknown
    measured.push_back({partition, std::max<std::int64_t>(0, high - position)});
  }
  std::lock_guard lock(lag_mutex_);
  lag_ = std::move(measured);
}

std::vector<PartitionLag> Subscription::lag() const {
  std::lock_guard lock(lag_mutex_);
  return lag_;
}

void Subscription::run() noexcept {
  std::chrono::milliseconds delay = kRejoinMin;
  while (!stop_ && !join()) {
    wait_to_rejoin(delay);
    delay = std::min<std::chrono::milliseconds>(delay * 2, kRejoinMax);
  }
  while (!stop_) {
    try {
      poll_once();
      if (Clock::now() >= next_lag_) {
        measure_lag();
        next_lag_ = Clock::now() + std::chrono::seconds(1);
      }
    } catch (const std::exception& e) {
      spdlog::warn("kafka consumer {}/{}: {}", options_.group, options_.member, e.what());
    }
  }
  leave_group();
  if (const auto err = rd_kafka_consumer_close(consumer_.get()))
    spdlog::warn("kafka consumer {}/{}: close: {}", options_.group, options_.member, rd_kafka_err2str(err));
}

// A static member sends no LeaveGroup when it closes (KIP-345: it is expected back), so its
// partitions would wait session_timeout for the other members. A clean stop unsubscribes
// first instead: that revokes the partitions (rebalance callback: commit, release) and leaves
// the group, so the others take them over at once. Records polled meanwhile are dropped
// unhandled: their offsets were not committed, the next owner gets them.
void Subscription::leave_group() {
  if (const auto err = rd_kafka_unsubscribe(consumer_.get())) {
    spdlog::warn("kafka consumer {}/{}: unsubscribe: {}", options_.group, options_.member, rd_kafka_err2str(err));
    return;
  }
  const auto deadline = Clock::now() + kLeaveTimeout;
  while (in_group() && Clock::now() < deadline) Message(rd_kafka_consumer_poll(consumer_.get(), 10));
}

// librdkafka forgets the member id when it leaves (and has none before it joined).
bool Subscription::in_group() const {
  char* id = rd_kafka_memberid(consumer_.get());
  const bool in = id && *id;
  if (id) rd_kafka_mem_free(consumer_.get(), id);
  return in;
}

void Subscription::poll_once() {
  resume_due();
  gather(Message(rd_kafka_consumer_poll(consumer_.get(), poll_timeout_ms())));
  if (!batch_.events.empty()) handle_batch();
  if (dirty() && Clock::now() >= next_commit_) commit_async();
}

int Subscription::poll_timeout_ms() const {
  const auto now = Clock::now();
  auto wake = now + kIdlePoll;
  for (const auto& [partition, at] : paused_) wake = std::min(wake, at);
  if (dirty()) wake = std::min(wake, next_commit_);
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(wait, 0));
}

// The first record waited for, then what is already fetched. The zero-timeout polls may run
// the rebalance callback: a revocation empties batch_ (see the header), and records of a new
// assignment are gathered after it.
void Subscription::gather(Message first) {
  batch_.clear();
  if (!take(std::move(first))) return;
  while (batch_.events.size() < kMaxBatch) {
    Message next(rd_kafka_consumer_poll(consumer_.get(), 0));
    if (!next) break;
    take(std::move(next));
  }
}

bool Subscription::take(Message message) {
  if (!message) return false;
  if (message->err) {
    spdlog::warn("kafka consumer {}/{}: {}", options_.group, options_.member,
                 rd_kafka_message_errstr(message.get()));
    return false;
  }
  if (paused_.contains(message->partition)) return false;  // fetched before the rewind: it comes again
  batch_.add(*message, options_.topic);
  return true;
}

void Subscription::handle_batch() {
  const auto handled = call_handler();
  for (std::size_t i = 0; i < handled; ++i) positions_[batch_.places[i].first] = batch_.places[i].second + 1;
  handled_ += handled;
  if (handled < batch_.events.size()) retry_rest(handled);
  batch_.clear();
}

std::size_t Subscription::call_handler() {
  const auto& first = batch_.events.front();
  try {
    return std::min(handler_(batch_.events), batch_.events.size());
  } catch (const std::exception& error) {
    spdlog::warn("{} could not handle {} {} ({}), retrying in {} ms", options_.group, first.type, first.id,
                 error.what(), options_.retry_delay.count());
  } catch (...) {
    spdlog::warn("{} could not handle {} {}, retrying in {} ms", options_.group, first.type, first.id,
                 options_.retry_delay.count());
  }
  return 0;
}

// Every partition with an unhandled record goes back to its first one (records of a partition
// are in order in the batch), paused for retry_delay.
void Subscription::retry_rest(std::size_t handled) {
  if (handled > 0) {
    const auto& next = batch_.events[handled];
    spdlog::warn("{} handled {} of {} events; the rest, from {} {}, again in {} ms", options_.group, handled,
                 batch_.events.size(), next.type, next.id, options_.retry_delay.count());
  }
  for (std::size_t i = handled; i < batch_.places.size(); ++i) {
    const auto [partition, offset] = batch_.places[i];
    if (!paused_.contains(partition)) retry_later(partition, offset);
  }
}

// --- The batch in hand ---------------------------------------------------------------------

void Subscription::Batch::add(rd_kafka_message_t& message, const std::string& topic) {
  events.push_back(decode(message, topic));
  places.emplace_back(message.partition, message.offset);
}

void Subscription::Batch::clear() {
  events.clear();
  places.clear();
}

// --- Retrying a record ---------------------------------------------------------------------

void Subscription::retry_later(std::int32_t partition, std::int64_t offset) {
  const auto list = one_partition(topic_.name, partition, offset);
  // Paused first, so nothing is fetched past the record before the seek lands.
  rd_kafka_pause_partitions(consumer_.get(), list.get());
  const Error error(rd_kafka_seek_partitions(consumer_.get(), list.get(), kSeekTimeoutMs));
  if (error || list->elems[0].err)
    spdlog::warn("kafka consumer {}: cannot rewind partition {} to {}: {}", options_.group, partition, offset,
                 error ? rd_kafka_error_string(error.get()) : rd_kafka_err2str(list->elems[0].err));
  paused_[partition] = Clock::now() + options_.retry_delay;
  unhandled_[partition] = offset;
}

void Subscription::resume(std::int32_t partition) {
  const auto list = one_partition(topic_.name, partition, RD_KAFKA_OFFSET_INVALID);
  rd_kafka_resume_partitions(consumer_.get(), list.get());
}

void Subscription::resume_due() {
  const auto now = Clock::now();
  for (auto it = paused_.begin(); it != paused_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    resume(it->first);
    it = paused_.erase(it);
  }
}

void Subscription::resume_all() {
  for (const auto& [partition, at] : paused_) resume(partition);
  paused_.clear();
}

// --- Committing ----------------------------------------------------------------------------

bool Subscription::dirty() const {
  return std::any_of(positions_.begin(), positions_.end(), [&](const auto& p) {
    const auto sent = sent_.find(p.first);
    return sent == sent_.end() || sent->second != p.second;
  });
}

PartitionList Subscription::offsets_list(bool only_unsent) const {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(positions_.size())));
  for (const auto& [partition, offset] : positions_) {
    const auto sent = sent_.find(partition);
    if (only_unsent && sent != sent_.end() && sent->second == offset) continue;
    rd_kafka_topic_partition_list_add(list.get(), topic_.name.c_str(), partition)->offset = offset;
  }
  return list;
}

void Subscription::commit_async() {
  const auto list = offsets_list(true);
  for (int i = 0; i < list->cnt; ++i) sent_[list->elems[i].partition] = list->elems[i].offset;
  next_commit_ = Clock::now() + kCommitSpacing;
  if (const auto err = rd_kafka_commit(consumer_.get(), list.get(), 1)) {
    const rd_kafka_topic_partition_list_t& failed = *list;
    committed(err, failed);
  }
}

void Subscription::commit_all_now() {
  if (positions_.empty()) return;
  const auto list = offsets_list(false);
  const auto err = rd_kafka_commit(consumer_.get(), list.get(), 0);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
    spdlog::warn("kafka consumer {}/{}: commit before release failed ({}): the next owner redelivers",
                 options_.group, options_.member, rd_kafka_err2str(err));
}

void Subscription::on_commit(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                             void* self) {
  if (offsets) static_cast<Subscription*>(self)->committed(err, *offsets);
}

// A failed commit is sent again (after a back-off) unless a newer one superseded it.
void Subscription::committed(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t& offsets) {
  bool failed = false;
  for (int i = 0; i < offsets.cnt; ++i) {
    const auto& p = offsets.elems[i];
    if (!err && !p.err) continue;
    failed = true;
    const auto sent = sent_.find(p.partition);
    if (sent != sent_.end() && sent->second == p.offset) sent_.erase(sent);
  }
  if (!failed || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  spdlog::warn("kafka consumer {}/{}: commit failed: {}; retrying", options_.group, options_.member,
               rd_kafka_err2str(err ? err : offsets.elems[0].err));
  next_commit_ = Clock::now() + kCommitBackoff;
}

// --- Rebalancing ---------------------------------------------------------------------------

// Start::latest. Assignment comes late (after the join, seconds perhaps), and "the end" then
// would skip what was published since subscribe returned; so a group with no committed offset
// on any of these partitions starts at the first record stamped at or after the subscription
// (offsets_for_times), or the end when there is none, and those offsets are committed as the
// group's position at once (a restart goes on from them). A group that has offsets on some
// partitions existed before: its other partitions start at the beginning, as a new group's.
void Subscription::start_new_group_at_end(rd_kafka_topic_partition_list_t& partitions) {
  if (const auto err = rd_kafka_committed(consumer_.get(), &partitions, kSeekTimeoutMs)) {
    spdlog::warn("kafka consumer {}/{}: committed offsets unknown ({}): starting at the end", options_.group,
                 options_.member, rd_kafka_err2str(err));
    return;
  }
  bool known = false;
  for (int i = 0; i < partitions.cnt; ++i) known = known || partitions.elems[i].offset >= 0;
  for (int i = 0; i < partitions.cnt; ++i) {
    auto& p = partitions.elems[i];
    if (p.offset >= 0) continue;
    p.offset = known ? RD_KAFKA_OFFSET_BEGINNING : subscribed_ms_;
  }
  if (known) return;
  if (const auto err = rd_kafka_offsets_for_times(consumer_.get(), &partitions, kSeekTimeoutMs)) {
    spdlog::warn("kafka consumer {}/{}: offsets by time unknown ({}): starting at the end", options_.group,
                 options_.member, rd_kafka_err2str(err));
    for (int i = 0; i < partitions.cnt; ++i) partitions.elems[i].offset = RD_KAFKA_OFFSET_INVALID;
    return;
  }
  for (int i = 0; i < partitions.cnt; ++i) {
    auto& p = partitions.elems[i];
    std::int64_t low = 0, high = 0;
    if (p.offset < 0 && !rd_kafka_query_watermark_offsets(consumer_.get(), p.topic, p.partition, &low, &high,
                                                          kSeekTimeoutMs))
      p.offset = high;  // nothing stamped since: the end
    if (p.offset >= 0) positions_[p.partition] = p.offset;
  }
}

void Subscription::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* self) {
  static_cast<Subscription*>(self)->rebalanced(err, partitions);
}

void Subscription::rebalanced(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    spdlog::info("kafka consumer {}/{}: assigned {} [{}]", options_.group, options_.member, options_.topic,
                 partition_names(*partitions));
    if (options_.start == Start::latest) start_new_group_at_end(*partitions);
    rd_kafka_assign(consumer_.get(), partitions);
    return;
  }
  // Revoked (or a failed rebalance): what was handled is committed before the partitions go.
  spdlog::info("kafka consumer {}/{}: releasing {} [{}]", options_.group, options_.member, options_.topic,
               partition_names(*partitions));
  resume_all();  // a pause would outlive the assignment
  batch_.clear();  // gathered, not handled, and every partition goes: the next owner fetches them
  commit_all_now();
  positions_.clear();
  sent_.clear();
  rd_kafka_assign(consumer_.get(), nullptr);
}

}  // namespace hexa::kafka
