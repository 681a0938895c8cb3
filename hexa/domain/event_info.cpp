#include "hexa/domain/event_info.hpp"

#include <algorithm>

namespace hexa {
namespace {
// Written only while static initializers run (one thread), read after main() starts.
std::vector<const EventInfo*>& raised() {
  static std::vector<const EventInfo*> types;
  return types;
}
}  // namespace

const std::vector<const EventInfo*>& raised_event_types() { return raised(); }

namespace detail {
bool note_raised(const EventInfo& e) {
  auto& types = raised();
  const auto at = std::ranges::lower_bound(types, e.name, {}, &EventInfo::name);
  if (at == types.end() || (*at)->name != e.name) types.insert(at, &e);
  return true;
}
}  // namespace detail

}  // namespace hexa
