#pragma once
// Private to hexa/gateway: every request leaves the gateway with an X-Request-Id and a W3C
// traceparent (https://www.w3.org/TR/trace-context/), so one request can be followed through
// the logs of every service it touches.
#include <string>

#include "hexa/http/message.hpp"

namespace hexa::gateway {

inline constexpr std::string_view kRequestIdHeader = "X-Request-Id";

struct Trace {
  std::string request_id;
  std::string trace_id;     // 32 hex digits
  std::string traceparent;  // as sent upstream: the trace continued with the gateway's own span
};

// Keeps a client's X-Request-Id when it is reasonable (1-128 of [A-Za-z0-9._:-]), else uses the
// trace id. Continues a valid traceparent (same trace id and flags, the gateway's span as the
// parent) or starts a new trace. Sets both headers on `req`.
Trace trace_request(http::Request& req);

}  // namespace hexa::gateway
