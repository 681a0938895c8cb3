#include "hexa/events/payload.hpp"

#include <stdexcept>

#include "hexa/rest/json_mapping.hpp"

namespace hexa {

std::string encode_payload(const std::string& type, std::int64_t time_ms, const Record& fields) {
  rest::Json body = rest::Json::object();
  body["eventType"] = type;
  for (const auto& [name, value] : fields) body[name] = rest::to_json(value);
  body["timestamp"] = time_ms;
  return rest::dump(body);
}

Record decode_payload(const std::string& payload) {
  const auto j = rest::parse(payload);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("event payload is not a JSON object");
  Record r;
  for (const auto& [name, value] : j.items()) r[name] = rest::from_json(value);
  return r;
}

}  // namespace hexa
