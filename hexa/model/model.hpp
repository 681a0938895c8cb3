#pragma once
// What the framework knows of a declared struct, without its C++ type: its name, the REST
// collection it is served at, its storage schema and its fields' rules. Aggregates and views
// declare `static constexpr std::string_view name = "Contract";`; events declare their name
// and the field holding their correlation key: `static constexpr std::string_view key = "contractId";`.
//
// The key of an aggregate or a view is the field "id" (an integer the store assigns), or the one
// field declared {.key = true}: a natural key, such as Room's roomNumber. The store still keys
// rows by its own integer row id; the natural key is a unique column beside it, and the REST
// resource, the unit of work and remotes address items by it. A natural key is generated when
// absent on creation (the next integer, the row id; its text for a text key) unless it is
// {.assigned = true}: then it must be given (by the body, or the event a view is kept from).
#include <stdexcept>
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
  std::string key = "id";  // the field items are addressed by
  const FieldInfo* field(std::string_view field_name) const;
  bool natural_key() const { return key != "id"; }
  bool generated_key() const;  // a natural key the framework fills in when absent
};

// The key field of a field list: "id", or the one marked {.key = true}. Throws std::logic_error
// for two keys or a key that is neither integer nor text (a mistake in the declaration).
std::string key_of(const std::string& type_name, const std::vector<FieldInfo>& fields);

// "MyPage" -> "myPages", "RoomInfo" -> "roomInfoes", "Delivery" -> "deliveries" (Evo Inflector's
// common rules, as Spring Data REST names its collections).
std::string collection_name(std::string_view type_name);

template <class T>
const ModelInfo& model_of() {
  static const ModelInfo info = [] {
    ModelInfo m{std::string(T::name), collection_name(T::name), schema_of<T>(std::string(T::name)), {}};
    for (const auto& f : fields_of<T>()) m.fields.push_back({f.name, f.kind, f.rules});
    m.key = key_of(m.name, m.fields);
    return m;
  }();
  return info;
}

// The declared name of a member: field_name(&Pay::contractId) == "contractId". Lets domain code
// name fields by member pointer, so a misspelt name cannot compile. Throws std::logic_error for a
// member that is not in T's field list. Works for integer, real, boolean and text members.
template <class T, class M>
const std::string& field_name(M T::*member) {
  T a{}, b{};  // b differs from a in `member` only; the field whose value differs is it
  if constexpr (std::is_same_v<M, bool>) b.*member = !(a.*member);
  else if constexpr (std::is_arithmetic_v<M>) b.*member = static_cast<M>(a.*member + 1);
  else if constexpr (std::is_same_v<M, Decimal>) b.*member = a.*member == Decimal(1) ? Decimal(2) : Decimal(1);
  else if constexpr (std::is_same_v<M, Timestamp>) b.*member = Timestamp((a.*member).epoch_ms() + 1);
  else {
    static_assert(std::is_same_v<M, std::string>, "find by integer, real, boolean, decimal, timestamp or text fields");
    b.*member = a.*member + '\x01';
  }
  for (const auto& f : fields_of<T>())
    if (f.get(a) != f.get(b)) return f.name;
  throw std::logic_error("a member of " + std::string(T::name) + " that is not one of its declared fields");
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
