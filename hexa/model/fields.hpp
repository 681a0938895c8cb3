#pragma once
// An aggregate, view or event is a plain struct that lists its fields once:
//
//   struct Contract {
//     std::int64_t id = 0;
//     std::string custName;
//     std::int64_t amt = 0;
//     static hexa::Fields<Contract> fields() {
//       return {hexa::field("id", &Contract::id),
//               hexa::field("custName", &Contract::custName, {.required = true}),
//               hexa::field("amt", &Contract::amt, {.required = true, .min = 1})};
//     }
//   };
//
// From that list the framework derives the storage schema, the JSON mapping, validation and
// the REST resource. A field named "id" is the key, unless another field says {.key = true}
// (a natural key: `hexa::field("roomNumber", &Room::roomNumber, {.key = true})`, model.hpp).
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "hexa/model/value.hpp"

namespace hexa {

struct Rules {
  bool required = false;        // must be present (and non-empty text) on create
  std::optional<double> min{};  // numeric range, inclusive
  std::optional<double> max{};
  std::vector<std::string> one_of{};  // allowed text values
  bool read_only = false;       // set by the domain, never from outside (e.g. status on create)
  bool unique = false;          // one row per value (e.g. a view's contractId)
  bool indexed = false;         // queried often: findByXxx
  bool key = false;             // the natural key: /rooms/{roomNumber}; unique; the struct then needs no `id`
  bool assigned = false;        // with key: given by the body or the event, never generated
};

template <class T>
struct Field {
  std::string name;
  Kind kind;
  Rules rules;
  std::function<Value(const T&)> get;
  std::function<void(T&, const Value&)> set;
};

template <class T>
using Fields = std::vector<Field<T>>;

namespace detail {
template <class M>
constexpr Kind kind_of() {
  if constexpr (std::is_same_v<M, bool>) return Kind::Boolean;
  else if constexpr (std::is_integral_v<M>) return Kind::Integer;
  else if constexpr (std::is_floating_point_v<M>) return Kind::Real;
  else if constexpr (std::is_same_v<M, Decimal>) return Kind::Decimal;
  else if constexpr (std::is_same_v<M, Timestamp>) return Kind::Timestamp;
  else {
    static_assert(std::is_same_v<M, std::string>,
                  "fields are integers, reals, booleans, text, hexa::Decimal or hexa::Timestamp");
    return Kind::Text;
  }
}
}  // namespace detail

template <class T, class M>
Field<T> field(std::string name, M T::*member, Rules rules = {}) {
  constexpr Kind kind = detail::kind_of<M>();
  return Field<T>{
      std::move(name), kind, std::move(rules),
      [member](const T& t) -> Value {
        if constexpr (kind == Kind::Boolean) return t.*member;
        else if constexpr (kind == Kind::Integer) return static_cast<std::int64_t>(t.*member);
        else if constexpr (kind == Kind::Real) return static_cast<double>(t.*member);
        else return t.*member;
      },
      [member](T& t, const Value& given) {
        if (is_null(given)) { t.*member = M{}; return; }
        const Value v = convert(given, kind);
        if constexpr (kind == Kind::Boolean) t.*member = std::get<bool>(v);
        else if constexpr (kind == Kind::Integer) t.*member = static_cast<M>(std::get<std::int64_t>(v));
        else if constexpr (kind == Kind::Real) t.*member = static_cast<M>(std::get<double>(v));
        else t.*member = std::get<M>(v);
      }};
}

// The field list of T, built once.
template <class T>
const Fields<T>& fields_of() {
  static const Fields<T> fields = T::fields();
  return fields;
}

template <class T>
Record to_record(const T& t) {
  Record r;
  for (const auto& f : fields_of<T>()) r[f.name] = f.get(t);
  return r;
}

// Values must already have the field's kind (see coerce()); absent fields keep T's defaults.
template <class T>
T from_record(const Record& r) {
  T t{};
  for (const auto& f : fields_of<T>()) {
    auto it = r.find(f.name);
    if (it != r.end()) f.set(t, it->second);
  }
  return t;
}

}  // namespace hexa
