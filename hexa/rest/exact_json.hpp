#pragma once
// JSON text in and out with decimals exact. A double prints 1000.50 as 1000.5 and nlohmann's
// Json holds numbers as doubles, so a number whose digits a double would change is held in the
// Json as a marked string: dump() writes it back as the bare number, parse() makes one of a
// number in the text, decimal_in() reads one. Use these, not Json::parse/dump, wherever JSON
// may carry decimals (bodies, answers, event payloads).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hexa/model/decimal.hpp"

namespace hexa::rest {

using Json = nlohmann::ordered_json;

// A JSON number with the decimal's digits: a plain number when it prints back the same.
Json decimal_json(const Decimal& d);
// The decimal a marked string holds; nullopt for anything else (plain numbers included).
std::optional<Decimal> decimal_in(const Json& j);

std::string dump(const Json& j);
Json parse(const std::string& text);  // discarded (is_discarded()) when malformed

}  // namespace hexa::rest
