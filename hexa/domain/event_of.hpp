#pragma once
// A domain event that carries the fields of the aggregate that raised it (the seeds'
// BeanUtils.copyProperties), with its name and its correlation key field:
//
//   using Payed = hexa::EventOf<Pay, "Payed", "contractId">;
#include <algorithm>
#include <string_view>

#include "hexa/model/model.hpp"

namespace hexa {

template <std::size_t N>
struct FixedString {
  char text[N]{};
  constexpr FixedString(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT: implicit by design
  constexpr operator std::string_view() const { return {text, N - 1}; }
};

template <class Aggregate, FixedString Name, FixedString Key>
struct EventOf : Aggregate {
  using aggregate = Aggregate;  // what --describe shows as the event's aggregate
  static constexpr std::string_view name = Name;
  static constexpr std::string_view key = Key;
  static Fields<EventOf> fields() { return inherit_fields<EventOf, Aggregate>(); }
};

}  // namespace hexa
