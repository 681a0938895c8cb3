#pragma once
// The event bus port. Implementations: the embedded on-disk log (LogBus, one machine, no
// server) and Kafka. Semantics shared by all, checked by tests/unit/bus_conformance:
// - publish() returns once the events are durable (acks=all); order is kept per key.
// - Topics are split into partitions by key; a consumer group shares a topic's partitions among
//   its live members, so two replicas split the stream and one key is handled by one member.
// - A group's position is committed only after the handler returned: a crash redelivers, and
//   handlers deduplicate by event id (see IdempotentConsumer) so effects happen once.
// - Where a group with no committed position starts (SubscriptionOptions::start): at the
//   beginning of the stream (earliest, the default: views rebuild from history) or at its end
//   (latest: a notifier added later does not re-send history). "The end" is taken when
//   subscribe_batches() is called: every event published after it returned is delivered,
//   however late the bus gets round to assigning partitions. A group that has a position
//   goes on from it either way.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "hexa/events/event.hpp"

namespace hexa {

// Handles one event. Throwing means "not handled": the event is delivered again later.
using EventHandler = std::function<void(const Event&)>;

// Handles a batch of events (several partitions may share it; each partition's events are
// consecutive and in order) and returns how many of them, from the front, are handled
// (throwing: none). The rest are delivered again, from the first
// unhandled one, after the retry delay. A consumer handles a batch in one local transaction:
// one commit per batch rather than per event is what lets views keep up under load.
using BatchHandler = std::function<std::size_t(std::span<const Event>)>;

// A batch handler that calls `handler` for each event and stops at the first that throws.
BatchHandler one_at_a_time(EventHandler handler);

enum class Start { earliest, latest };

struct SubscriptionOptions {
  std::string group;   // consumer group: the consuming service's name
  std::string topic;
  std::string member;  // this instance's id (unique among the group's live members)
  std::chrono::milliseconds retry_delay{200};  // after a handler failure
  // The event types the handler acts on; empty: all. A bus may pass the others over without
  // handing them to the handler (the group's position moves past them; handled() does not
  // count them): the log bus does, sparing a service that wants one type in ten the reading of
  // the other nine. Kafka hands over everything.
  std::set<std::string> types;
  Start start = Start::earliest;  // where the group starts when it has no position yet
};

// How far a consumer is behind in one partition it owns: events published, not yet handled.
struct PartitionLag {
  int partition = 0;
  std::int64_t lag = 0;
};

// A running consumer; stops (finishing the event in hand) when destroyed.
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Events handled so far by this subscription (for health and tests).
  virtual std::uint64_t handled() const = 0;
  // The partitions this member owns and its lag in each, as last measured (for metrics);
  // empty when the bus cannot tell.
  virtual std::vector<PartitionLag> lag() const { return {}; }
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Durable when it returns; throws hexa::Unavailable when the bus cannot take them.
  virtual void publish(const std::vector<Event>& events) = 0;
  virtual std::unique_ptr<Subscription> subscribe_batches(SubscriptionOptions options,
                                                          BatchHandler handler) = 0;
  std::unique_ptr<Subscription> subscribe(SubscriptionOptions options, EventHandler handler) {
    return subscribe_batches(std::move(options), one_at_a_time(std::move(handler)));
  }
  virtual bool healthy() = 0;
};

}  // namespace hexa

namespace hexa {
// Opens a bus from a URL: "log:/path/to/dir" (the embedded log) or "kafka://host:port?partitions=8".
std::unique_ptr<EventBus> open_bus(const std::string& url);
}  // namespace hexa
