#include "hexa/events/bus.hpp"

namespace hexa {

BatchHandler one_at_a_time(EventHandler handler) {
  if (!handler) return {};  // the bus refuses an empty handler
  return [handler = std::move(handler)](std::span<const Event> events) {
    std::size_t handled = 0;
    for (const auto& e : events) {
      try {
        handler(e);
      } catch (...) {
        if (handled == 0) throw;  // the bus reports why, and retries it later
        return handled;           // the failing event comes first in the next delivery
      }
      ++handled;
    }
    return handled;
  };
}

}  // namespace hexa
