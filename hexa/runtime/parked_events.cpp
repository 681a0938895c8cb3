#include "hexa/runtime/parked_events.hpp"

#include <algorithm>
#include <set>

namespace hexa {

namespace {

Value text(const std::string& s) { return Value{s}; }

std::string text_of(const Record& r, const std::string& field) {
  auto it = r.find(field);
  if (it == r.end()) return {};
  auto s = std::get_if<std::string>(&it->second);
  return s ? *s : std::string{};
}

std::int64_t integer_of(const Record& r, const std::string& field) {
  auto it = r.find(field);
  if (it == r.end()) return 0;
  auto i = std::get_if<std::int64_t>(&it->second);
  return i ? *i : 0;
}

ParkedEvent parked_of(const Record& r) {
  ParkedEvent p;
  p.row = integer_of(r, "id");
  auto key = text_of(r, "eventKey");
  if (key.rfind('#', 0) == 0) key.clear();  // queued by its id: it had no key (queue_of)
  p.event = Event{text_of(r, "eventId"), text_of(r, "type"), integer_of(r, "timeMs"), std::move(key),
                  text_of(r, "source"), text_of(r, "topic"), text_of(r, "payload")};
  p.failures = static_cast<int>(integer_of(r, "failures"));
  p.next_ms = integer_of(r, "nextMs");
  return p;
}

}  // namespace

PolicyOptions PolicyOptions::from(const Config& config) {
  PolicyOptions o;
  o.initial_ms = std::max<std::int64_t>(1, config.get_int("events.retry.initial-ms", o.initial_ms));
  o.max_ms = std::max(o.initial_ms, config.get_int("events.retry.max-ms", o.max_ms));
  o.max_attempts = static_cast<int>(std::max<std::int64_t>(0, config.get_int("events.retry.max-attempts", 0)));
  o.step_timeout_ms = std::max<std::int64_t>(1, config.get_int("events.step-timeout-ms", o.step_timeout_ms));
  return o;
}

std::int64_t PolicyOptions::backoff_ms(int failures) const {
  std::int64_t delay = initial_ms;
  for (int i = 1; i < failures && delay < max_ms; ++i) delay *= 2;
  return std::min(delay, max_ms);
}

const Schema& ParkedEvents::schema() {
  static const Schema s{"_parked_events",
                        {{"consumer", Kind::Text, false, true},
                         {"eventKey", Kind::Text, false, true},
                         {"eventId", Kind::Text, false, true},
                         {"type", Kind::Text},
                         {"timeMs", Kind::Integer},
                         {"source", Kind::Text},
                         {"topic", Kind::Text},
                         {"payload", Kind::Text},
                         {"failures", Kind::Integer},
                         {"nextMs", Kind::Integer},
                         {"error", Kind::Text}}};
  return s;
}

bool ParkedEvents::any(Transaction& tx) const {
  return !tx.select(schema(), Query{{{"consumer", text(consumer_)}}, {}, 0, 1}).empty();
}

bool ParkedEvents::blocked(Transaction& tx, const std::string& key) const {
  return !tx.select(schema(), Query{{{"consumer", text(consumer_)}, {"eventKey", text(key)}}, {}, 0, 1}).empty();
}

void ParkedEvents::park(Transaction& tx, const Event& e, int failures, std::int64_t next_ms,
                        const std::string& error) const {
  if (!tx.select(schema(), Query{{{"consumer", text(consumer_)}, {"eventId", text(e.id)}}, {}, 0, 1}).empty())
    return;  // redelivered by the bus after a crash: already in its queue
  tx.insert(schema(), Record{{"consumer", consumer_}, {"eventKey", queue_of(e)}, {"eventId", e.id},
                             {"type", e.type}, {"timeMs", e.time_ms}, {"source", e.source}, {"topic", e.topic},
                             {"payload", e.payload}, {"failures", std::int64_t{failures}}, {"nextMs", next_ms},
                             {"error", error}});
}

std::vector<ParkedEvent> ParkedEvents::heads(Transaction& tx, std::size_t limit) const {
  std::vector<ParkedEvent> out;
  std::set<std::string> keys;
  for (const auto& r : tx.select(schema(), Query{{{"consumer", text(consumer_)}}, {}, 0,
                                                 static_cast<std::int64_t>(limit)})) {
    auto p = parked_of(r);
    if (keys.insert(text_of(r, "eventKey")).second) out.push_back(std::move(p));
  }
  return out;
}

void ParkedEvents::failed_again(Transaction& tx, const ParkedEvent& p, std::int64_t next_ms,
                                const std::string& error) const {
  auto row = tx.find(schema(), p.row);
  if (!row) return;
  (*row)["failures"] = std::int64_t{p.failures + 1};
  (*row)["nextMs"] = next_ms;
  (*row)["error"] = error;
  row->erase("id");
  tx.update(schema(), p.row, *row);
}

void ParkedEvents::remove(Transaction& tx, const ParkedEvent& p) const { tx.remove(schema(), p.row); }

std::int64_t ParkedEvents::count(Transaction& tx) const {
  return tx.count(schema(), Query{{{"consumer", text(consumer_)}}, {}, 0, -1});
}

}  // namespace hexa
