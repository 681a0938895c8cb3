#pragma once
// Request/response calls to another service, by name: its address from configuration
// (services.<name>.url, comma-separated for replicas), and the guards of CallPolicy: a timeout
// per attempt (a longer one for a reconciler's question: QuestionScope), the caller's deadline passed on in a header, a circuit breaker, a concurrency
// limit (adaptive by default, or a fixed bulkhead), and retries for idempotent calls only. The single place where a synchronous call leaves a service.
//
// Answers: 2xx is the answer; 404 to a GET is "none" (nullopt); any other 4xx is the callee's
// domain saying no (hexa::Refused, with its status: final, a saga's undo runs on it); 5xx, a
// refused connection, an open breaker or a reached concurrency limit is hexa::Unavailable (nothing
// happened: try later); a timeout or a broken connection is hexa::Uncertain (it may have).
// A call given an idempotency key (a policy's remote step: StepContext) sends it as header
// `Idempotency-Key`, and is then safe to retry like any idempotent call.
//
// The bytes travel through a Transport: the HTTP client in a service, a fake callee in an
// in-process test (hexa/testing/in_process.hpp), so tests exercise these same guards.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "hexa/client/call_policy.hpp"
#include "hexa/client/step_context.hpp"
#include "hexa/config/config.hpp"
#include "hexa/http/client.hpp"
#include "hexa/resilience/adaptive_limit.hpp"
#include "hexa/resilience/bulkhead.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/runtime/metrics.hpp"

namespace hexa {

enum class Idempotent { No, Yes };

class RemoteCaller {
 public:
  // Sends one request to one endpoint within `timeout` (http::Client::send's contract).
  using Transport = std::function<http::Reply(const http::Endpoint&, http::Request, std::chrono::milliseconds)>;

  RemoteCaller(http::Client& client, const Config& config, std::string service, Metrics& metrics);
  RemoteCaller(Transport transport, const Config& config, std::string service, Metrics& metrics);

  // The answer's JSON for 2xx; nullopt for 404 to a GET. Throws Refused for another 4xx,
  // Unavailable when the call certainly had no effect (refused, breaker open, bulkhead full,
  // or answered 5xx), and Uncertain when it may have had one (timeout, connection lost).
  std::optional<rest::Json> call(http::Verb verb, const std::string& target,
                                 const std::optional<rest::Json>& body,
                                 std::optional<std::int64_t> deadline_ms = std::nullopt,
                                 Idempotent idempotent = Idempotent::No, const std::string& idempotency_key = {});
  // A policy's remote step: its deadline, and its idempotency key as header.
  std::optional<rest::Json> call(http::Verb verb, const std::string& target,
                                 const std::optional<rest::Json>& body, const StepContext& step) {
    return call(verb, target, body, step.deadline_ms, Idempotent::Yes, step.idempotency_key);
  }
  const std::string& service() const { return service_; }
  const CallPolicy& policy() const { return policy_; }

 private:
  http::Reply attempt(http::Verb verb, const std::string& target, const std::optional<rest::Json>& body,
                      std::int64_t deadline_ms, const std::string& idempotency_key);
  void register_metrics(Metrics& metrics);

  Transport send_;
  std::string service_;
  CallPolicy policy_;
  std::vector<http::Endpoint> endpoints_;
  std::atomic<std::size_t> next_{0};
  std::unique_ptr<resilience::CircuitBreaker> breaker_;
  std::unique_ptr<resilience::Bulkhead> bulkhead_;     // concurrency: fixed
  std::unique_ptr<resilience::AdaptiveLimit> limit_;  // concurrency: adaptive
  std::mutex random_mutex_;
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace hexa
