#pragma once
// Private to hexa/gateway: one line per request, when it is answered:
//   access 127.0.0.1 "GET /contracts/1" 200 312B 1.8ms rid=<id> sub=<caller|-> upstream=<service@host:port|->
#include <chrono>
#include <string>

#include "hexa/http/message.hpp"

namespace hexa::gateway {

struct AccessRecord {
  std::string peer;
  std::string request_id;
  std::string subject;   // empty: anonymous
  std::string upstream;  // empty: answered by the gateway itself
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

void log_access(const AccessRecord& record, const http::Request& head, const http::Response& res);

}  // namespace hexa::gateway
