#pragma once
// Events a policy could not handle YET (a callee down, slow or of unknown outcome; a bug),
// parked durably in the service's own store (table "_parked_events", through the Store port)
// and retried with backoff, so the bus may move on. Per correlation key they form a queue:
// an event of a key with a parked event waits behind it (order per key); other keys flow on.
// Rows are written in their own transaction before the bus is told the event is handled, so
// a crash loses none; a retried event's effect records it handled (idempotent consumer), so
// a row left behind by a crash is settled by the next attempt as a no-op.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/events/event.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

// events.retry.{initial-ms, max-ms, max-attempts} and events.step-timeout-ms.
struct PolicyOptions {
  std::int64_t initial_ms = 200;    // the first retry's delay; doubling after each failure...
  std::int64_t max_ms = 30000;      // ...up to this
  int max_attempts = 0;             // then give up (logged, counted); 0: retry forever
  std::int64_t step_timeout_ms = 10000;  // a remote step's deadline (StepContext::deadline_ms)
  static PolicyOptions from(const Config& config);
  std::int64_t backoff_ms(int failures) const;  // the delay after `failures` failed attempts
};

struct ParkedEvent {
  std::int64_t row = 0;
  Event event;
  int failures = 0;          // failed attempts so far (0: parked behind another of its key)
  std::int64_t next_ms = 0;  // not retried before (epoch ms)
};

class ParkedEvents {
 public:
  explicit ParkedEvents(std::string consumer) : consumer_(std::move(consumer)) {}
  static const Schema& schema();

  bool any(Transaction& tx) const;
  bool blocked(Transaction& tx, const std::string& key) const;  // a parked event of this key waits
  // Parks `e` at the back of its key's queue; an event parked before is left as it is.
  void park(Transaction& tx, const Event& e, int failures, std::int64_t next_ms, const std::string& error) const;
  // The oldest parked event of each key, oldest first.
  std::vector<ParkedEvent> heads(Transaction& tx, std::size_t limit = 1000) const;
  void failed_again(Transaction& tx, const ParkedEvent& p, std::int64_t next_ms, const std::string& error) const;
  void remove(Transaction& tx, const ParkedEvent& p) const;
  std::int64_t count(Transaction& tx) const;

  // The queue an event joins: its correlation key, or its id when it has none (no order asked).
  static std::string queue_of(const Event& e) { return e.key.empty() ? "#" + e.id : e.key; }

 private:
  std::string consumer_;
};

}  // namespace hexa
