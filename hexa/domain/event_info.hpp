#pragma once
// What the framework knows of a declared event type without its C++ type, for a service's
// self-description (--describe): its name, correlation key, payload fields, and the aggregate
// whose fields it carries (EventOf<Aggregate, ...>).
//
// The event types a program raises are noted without any declaration: uow.raise<E>() names
// detail::raised_noted<E>, whose initializer runs once per type at program start (as test
// frameworks register their tests). So the list holds every type some code of this executable
// can raise, whether or not it has run; where it is raised (which hook or policy) the types
// cannot tell, the aggregate carried can.
#include <string>
#include <vector>

#include "hexa/model/model.hpp"

namespace hexa {

struct EventInfo {
  std::string name;
  std::string key;        // the correlation key's field
  std::string aggregate;  // the aggregate it carries the fields of, "" when not an EventOf
  std::vector<FieldInfo> fields;
};

template <class E>
const EventInfo& event_info() {
  static const EventInfo info = [] {
    EventInfo e{std::string(E::name), std::string(E::key), {}, {}};
    if constexpr (requires { typename E::aggregate; }) e.aggregate = std::string(E::aggregate::name);
    for (const auto& f : fields_of<E>()) e.fields.push_back({f.name, f.kind, f.rules});
    return e;
  }();
  return info;
}

// The event types this program raises, by name (filled before main() runs, read after).
const std::vector<const EventInfo*>& raised_event_types();

namespace detail {
bool note_raised(const EventInfo& e);
template <class E>
inline const bool raised_noted = note_raised(event_info<E>());
}  // namespace detail

}  // namespace hexa
