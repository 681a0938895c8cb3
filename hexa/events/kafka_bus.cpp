#include "hexa/events/kafka_bus.hpp"

#include <set>

#include "hexa/events/kafka_subscription.hpp"
#include "hexa/model/errors.hpp"

namespace hexa {

KafkaBus::KafkaBus(KafkaBusOptions options)
    : options_(std::move(options)), admin_(options_), producer_(options_) {}

void KafkaBus::publish(const std::vector<Event>& events) {
  std::set<std::string> topics;
  for (const auto& e : events) {
    if (e.topic.empty()) throw Invalid("event " + e.id + " (" + e.type + ") has no topic");
    topics.insert(e.topic);
  }
  for (const auto& topic : topics) admin_.ensure_topic(options_.cluster_name(topic));
  producer_.publish(events);
}

std::unique_ptr<Subscription> KafkaBus::subscribe_batches(SubscriptionOptions options, BatchHandler handler) {
  if (options.group.empty() || options.topic.empty()) throw Invalid("a subscription needs a group and a topic");
  if (!handler) throw Invalid("a subscription needs a handler");
  // The subscription makes sure its topic exists, and joins, on its own thread: a cluster that
  // is down delays it but does not fail the caller.
  return std::make_unique<kafka::Subscription>(options_, std::move(options), std::move(handler));
}

bool KafkaBus::healthy() { return admin_.healthy(); }

std::unique_ptr<EventBus> open_kafka_bus(const std::string& url) {
  return std::make_unique<KafkaBus>(kafka_options_from_url(url));
}

}  // namespace hexa
