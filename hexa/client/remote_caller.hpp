#pragma once
// Request/response calls to another service, by name: its address from configuration
// (services.<name>.url, comma-separated for replicas), and the guards of CallPolicy: a timeout
// per attempt, the caller's deadline passed on in a header, a circuit breaker, a bulkhead, and
// retries for idempotent calls only. The single place where a synchronous call leaves a service.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "hexa/client/call_policy.hpp"
#include "hexa/config/config.hpp"
#include "hexa/http/client.hpp"
#include "hexa/resilience/bulkhead.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/runtime/metrics.hpp"

namespace hexa {

enum class Idempotent { No, Yes };

class RemoteCaller {
 public:
  RemoteCaller(http::Client& client, const Config& config, std::string service, Metrics& metrics);

  // The answer's JSON for 2xx; nullopt for 404. Throws Unavailable when the call certainly
  // had no effect (refused, breaker open, bulkhead full, or answered with an error), and
  // Uncertain when it may have had one (timeout, connection lost after sending). A non-empty
  // idempotency_key is sent as the Idempotency-Key header (the callee acts once per key).
  std::optional<rest::Json> call(http::Verb verb, const std::string& target,
                                 const std::optional<rest::Json>& body,
                                 std::optional<std::int64_t> deadline_ms = std::nullopt,
                                 Idempotent idempotent = Idempotent::No,
                                 const std::string& idempotency_key = {});
  const std::string& service() const { return service_; }
  const CallPolicy& policy() const { return policy_; }

 private:
  http::Reply attempt(http::Verb verb, const std::string& target, const std::optional<rest::Json>& body,
                      std::int64_t deadline_ms, const std::string& idempotency_key);
  void register_metrics(Metrics& metrics);

  http::Client& client_;
  std::string service_;
  CallPolicy policy_;
  std::vector<http::Endpoint> endpoints_;
  std::atomic<std::size_t> next_{0};
  std::unique_ptr<resilience::CircuitBreaker> breaker_;
  std::unique_ptr<resilience::Bulkhead> bulkhead_;
  std::mutex random_mutex_;
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace hexa
