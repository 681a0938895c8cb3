#include "hexa/gateway/tracing.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include "hexa/auth/openssl.hpp"

namespace hexa::gateway {
namespace {

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

struct Parent {
  std::string_view trace_id;
  std::string_view flags;
};

// "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"; version 00 only, zero ids invalid.
std::optional<Parent> parse_traceparent(std::string_view text) {
  if (text.size() != 55 || text[2] != '-' || text[35] != '-' || text[52] != '-') return std::nullopt;
  const auto version = text.substr(0, 2), trace = text.substr(3, 32), parent = text.substr(36, 16),
             flags = text.substr(53, 2);
  if (version != "00" || !is_lower_hex(trace) || !is_lower_hex(parent) || !is_lower_hex(flags)) return std::nullopt;
  if (all_zero(trace) || all_zero(parent)) return std::nullopt;
  return Parent{trace, flags};
}

bool usable_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '-';
  });
}

}  // namespace

Trace trace_request(http::Request& req) {
  Trace t;
  const auto random = auth::ossl::hex(auth::ossl::random_bytes(24));  // a trace id and a span id
  const auto span_id = random.substr(32, 16);
  const auto parent = parse_traceparent(req["traceparent"]);
  t.trace_id = parent ? std::string(parent->trace_id) : random.substr(0, 32);
  const std::string flags = parent ? std::string(parent->flags) : std::string("00");
  t.traceparent.reserve(55);
  t.traceparent.append("00-").append(t.trace_id).append("-").append(span_id).append("-").append(flags);
  const auto given = req[kRequestIdHeader];
  t.request_id = usable_request_id(given) ? std::string(given) : t.trace_id;
  req.set("traceparent", t.traceparent);
  req.set(kRequestIdHeader, t.request_id);
  return t;
}

}  // namespace hexa::gateway
