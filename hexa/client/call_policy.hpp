#pragma once
// How calls to one service are guarded, from configuration `clients.<service>.*` (each key
// overridable from the environment, e.g. CLIENTS_PAY_TIMEOUT_MS):
//   timeout-ms: 610                      per attempt, and never past the caller's deadline
//   reconcile-timeout-ms: 5 x timeout-ms per attempt of a reconciler's question (QuestionScope):
//                                        nobody waits for it, so it outwaits a callee slower than
//                                        timeout-ms; at least timeout-ms
//   circuit-breaker:                     resilience4j's names and defaults
//     enabled: true
//     window-type: count | time          sliding-window-type
//     window-size: 100                   calls, or seconds when time-based
//     failure-rate-threshold: 50         percent
//     slow-call-rate-threshold: 100      percent
//     slow-call-duration-ms: 60000
//     minimum-calls: 10
//     wait-in-open-ms: 5000
//     permitted-calls-in-half-open: 3
//   concurrency: adaptive                how many calls may be in flight at once, beyond it refuse
//                                        at once: adaptive (found from the callee's latency:
//                                        resilience/adaptive_limit.hpp), fixed (bulkhead below) or
//                                        none; fixed is the default when bulkhead.max-concurrent
//                                        is set above 0, which another kind named refuses
//   adaptive: {initial-limit: 10, min-limit: 1, max-limit: 64, window: 10, tolerance: 1.25,
//              min-delay-ms: timeout-ms / 10, timeout-share: 0.15, baseline-windows: 30,
//              first-wait-ms: min-delay-ms}
//   bulkhead.max-concurrent: 0           the fixed limit
//   retry: {max-attempts: 1, initial-backoff-ms: 50, multiplier: 2, jitter: 0.5}
//   idempotent-create: false             POST may be retried (the callee dedups by a key)
#include <optional>
#include <string>

#include "hexa/config/config.hpp"
#include "hexa/resilience/adaptive_limit.hpp"
#include "hexa/resilience/circuit_breaker.hpp"
#include "hexa/resilience/retry.hpp"

namespace hexa {

struct CallPolicy {
  enum class Concurrency { Adaptive, Fixed, None };

  std::int64_t timeout_ms = 2000;
  std::int64_t reconcile_timeout_ms = 10000;
  std::optional<resilience::CircuitBreaker::Options> breaker;
  Concurrency concurrency = Concurrency::Adaptive;
  resilience::AdaptiveLimit::Options adaptive;
  int bulkhead = 0;  // the fixed limit
  resilience::RetryPolicy retry{1};
  bool idempotent_create = false;

  static CallPolicy from(const Config& config, const std::string& service);
  // Per attempt: reconcile_timeout_ms while the thread asks a reconciler's question, else timeout_ms.
  std::int64_t attempt_timeout_ms() const;
};

}  // namespace hexa
