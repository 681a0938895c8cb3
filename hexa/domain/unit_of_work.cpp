#include "hexa/domain/unit_of_work.hpp"

#include "hexa/events/payload.hpp"

namespace hexa {

std::string UnitOfWork::key_text(const Value& v) {
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error("a correlation key must be an integer or text");
}

void UnitOfWork::raise(const std::string& type, const std::string& key, const Record& payload) {
  Event e{new_event_id(), type, now_ms(), key, source_.service, source_.topic, {}};
  e.payload = encode_payload(type, e.time_ms, payload);
  tx_.add_to_outbox(e);
  raised_ = true;
}

}  // namespace hexa
