#pragma once
// The JSON adapter for declared structs: records to JSON (fields in declared order) and request
// bodies to records, with Jackson's leniency (numeric strings for numbers, numbers for text,
// epoch milliseconds or ISO-8601 text for timestamps) and nothing more: anything else of the
// wrong type is a 400 naming the field.
#include <string>

#include "hexa/model/model.hpp"
#include "hexa/rest/exact_json.hpp"

namespace hexa::rest {

enum class BodyMode {
  Create,   // every required field present; read-only fields ignored
  Replace,  // PUT: like Create
  Merge,    // PATCH: only the given fields; read-only ones are reported back for commands
};

Json to_json(const Record& r, const ModelInfo& m);
Value from_json(const Json& j);  // scalar JSON -> Value (objects/arrays: null)
Json to_json(const Value& v);    // a Timestamp as ISO-8601 text, a Decimal as a number

// Parses and validates a request body. Throws hexa::Invalid with a clear message.
// The result holds only declared fields (never "id"), coerced to their kinds.
Record parse_body(const std::string& body, const ModelInfo& m, BodyMode mode);
// The same in two steps, for a caller that adds to the object before it is validated.
Json parse_object(const std::string& body);  // throws hexa::Invalid unless a JSON object
Record validate_body(const Json& object, const ModelInfo& m, BodyMode mode);

// Coerces one value to a field's kind and checks its rules; throws hexa::Invalid naming it.
Value coerce(const Json& j, const FieldInfo& f);
void check_rules(const Value& v, const FieldInfo& f);

}  // namespace hexa::rest
