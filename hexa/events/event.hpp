#pragma once
// A domain event as it travels: the envelope every bus implementation carries unchanged.
#include <cstdint>
#include <string>

namespace hexa {

struct Event {
  std::string id;         // unique per event (UUID); consumers deduplicate on it
  std::string type;       // past tense, in the domain's words: "Payed", "ContractCanceled"
  std::int64_t time_ms{}; // when it was raised, epoch milliseconds
  std::string key;        // correlation key: the business case it belongs to (e.g. contract id)
  std::string source;     // the service that raised it
  std::string topic;      // the stream it is published on (one per system by default)
  std::string payload;    // JSON object text with the event's fields
};

// A fresh event id: UUID v7 text, unique, and ordered by creation time to the millisecond.
std::string new_event_id();
std::int64_t now_ms();

}  // namespace hexa
