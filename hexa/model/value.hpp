#pragma once
// Field values as the framework moves them between domain structs, stores and wire formats.
// Neutral on purpose: no JSON, no SQL types here.
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "hexa/model/decimal.hpp"
#include "hexa/model/timestamp.hpp"

namespace hexa {

enum class Kind { Integer, Real, Text, Boolean, Decimal, Timestamp };

// monostate is "null / absent".
using Value = std::variant<std::monostate, std::int64_t, double, std::string, bool, Decimal, Timestamp>;

// One row of an aggregate, a view or an event payload: field name -> value.
using Record = std::map<std::string, Value>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

const char* kind_name(Kind k);

// The value as `kind` (integer <-> real <-> decimal, numbers <-> text, 0/1 <-> boolean,
// timestamp <-> epoch-ms integer or ISO-8601 text); null stays null.
// Throws std::invalid_argument when it cannot be one.
Value convert(const Value& v, Kind kind);

}  // namespace hexa
