#pragma once
// What the framework knows of a declared struct, without its C++ type: its name, the REST
// collection it is served at, its storage schema and its fields' rules. Aggregates and views
// declare `static constexpr std::string_view name = "Contract";`; events declare their name
// and the field holding their correlation key: `static constexpr std::string_view key = "contractId";`.
#include <string>
#include <string_view>
#include <vector>

#include "hexa/model/fields.hpp"
#include "hexa/model/schema.hpp"

namespace hexa {

struct FieldInfo {
  std::string name;
  Kind kind;
  Rules rules;
};

struct ModelInfo {
  std::string name;        // "MyPage"
  std::string collection;  // "myPages": Spring Data REST's uncapitalized plural
  Schema schema;
  std::vector<FieldInfo> fields;
  const FieldInfo* field(std::string_view field_name) const;
};

// "MyPage" -> "myPages", "RoomInfo" -> "roomInfoes", "Delivery" -> "deliveries" (Evo Inflector's
// common rules, as Spring Data REST names its collections).
std::string collection_name(std::string_view type_name);

template <class T>
const ModelInfo& model_of() {
  static const ModelInfo info = [] {
    ModelInfo m{std::string(T::name), collection_name(T::name), schema_of<T>(std::string(T::name)), {}};
    for (const auto& f : fields_of<T>()) m.fields.push_back({f.name, f.kind, f.rules});
    return m;
  }();
  return info;
}

// Copies the fields two declared structs share by name (Spring's BeanUtils.copyProperties):
// an event raised from an aggregate, a view row filled from an event.
template <class To, class From>
To copy_fields(const From& from) {
  return from_record<To>(to_record(from));
}

template <class To, class From>
void copy_fields_into(To& to, const From& from) {
  const Record r = to_record(from);
  for (const auto& f : fields_of<To>()) {
    auto it = r.find(f.name);
    if (it != r.end() && f.name != "id") f.set(to, it->second);
  }
}

}  // namespace hexa

namespace hexa {
// The fields of Base, for a struct derived from it: events that carry their aggregate's
// fields (`struct Payed : Pay { ... }`) list them once, in the aggregate.
template <class Derived, class Base>
Fields<Derived> inherit_fields() {
  Fields<Derived> out;
  for (const auto& f : fields_of<Base>())
    out.push_back({f.name, f.kind, f.rules, [g = f.get](const Derived& d) { return g(d); },
                   [s = f.set](Derived& d, const Value& v) { s(d, v); }});
  return out;
}
}  // namespace hexa
