#pragma once
// Inbound bulkheads: at most N writes (POST, PUT, PATCH, DELETE) in flight on one resource,
// counted when a request arrives, before it waits for a worker; one more is answered at once
// with 503 + Retry-After + the resource's busy message, never queued (shop12st: 3 orders at a
// time). Reads are not counted. Configured per collection:
//   resources.<collection>.max-concurrent: 3        # 0 or absent: no limit
//   resources.<collection>.busy-message: "..."      # the 503's text
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "hexa/config/config.hpp"
#include "hexa/http/message.hpp"
#include "hexa/resilience/bulkhead.hpp"
#include "hexa/runtime/metrics.hpp"

namespace hexa {

class InboundBulkheads {
 public:
  // A place in a bulkhead, given back when the last copy goes (after the answer is sent);
  // null for a request no bulkhead counts.
  using Permit = std::shared_ptr<resilience::Bulkhead::Permit>;

  void limit(const std::string& collection, int max_concurrent, std::string busy_message);
  // Reads resources.<collection>.* for each collection.
  void configure(const Config& config, const std::string& collection);

  // Throws Unavailable (the busy message) when the request's resource is full.
  Permit admit(http::Verb verb, std::string_view target);

  // hexa_http_bulkhead_refused_requests_total{resource}, for each limited collection.
  void register_metrics(Metrics& metrics) const;

 private:
  struct Limit {
    std::unique_ptr<resilience::Bulkhead> bulkhead;
    std::string busy_message;
  };
  std::map<std::string, Limit, std::less<>> by_collection_;
};

}  // namespace hexa
