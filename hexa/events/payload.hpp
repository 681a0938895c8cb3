#pragma once
// Event payloads on the wire: a JSON object with the event's fields plus the seeds'
// "eventType" and "timestamp", so consumers in other stacks read them as Spring's did.
#include <string>

#include "hexa/model/value.hpp"

namespace hexa {

std::string encode_payload(const std::string& type, std::int64_t time_ms, const Record& fields);
// Fields of a payload (scalars only); throws std::runtime_error on malformed JSON.
Record decode_payload(const std::string& payload);

}  // namespace hexa
