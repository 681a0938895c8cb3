#pragma once
// Request/response calls to another service, by name: its address from configuration
// (services.<name>.url, comma-separated for replicas), a timeout per call
// (clients.<name>.timeout-ms) and the caller's deadline passed on in a header. The single place
// where a synchronous call leaves a service, so resilience (breaker, bulkhead, retry) sits here.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/http/client.hpp"
#include "hexa/rest/json_mapping.hpp"

namespace hexa {

class RemoteCaller {
 public:
  RemoteCaller(http::Client& client, const Config& config, std::string service);

  // The answer's JSON for 2xx; nullopt for 404. Throws Unavailable when the call certainly
  // had no effect (refused, or answered with an error), Uncertain when it may have had one.
  std::optional<rest::Json> call(http::Verb verb, const std::string& target,
                                 const std::optional<rest::Json>& body,
                                 std::optional<std::int64_t> deadline_ms = std::nullopt);
  const std::string& service() const { return service_; }
  std::int64_t timeout_ms() const { return timeout_ms_; }

 private:
  http::Client& client_;
  std::string service_;
  std::vector<http::Endpoint> endpoints_;
  std::int64_t timeout_ms_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace hexa
