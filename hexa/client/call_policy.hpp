#pragma once
// How calls to one service are guarded, from configuration `clients.<service>.*` (each key
// overridable from the environment, e.g. CLIENTS_PAY_TIMEOUT_MS):
//   timeout-ms: 610                      per attempt, and never past the caller's deadline
//   circuit-breaker:                     resilience4j's names and defaults
//     enabled: true
//     window-type: count | time          sliding-window-type
//     window-size: 20                    calls, or seconds when time-based
//     failure-rate-threshold: 50         percent
//     slow-call-rate-threshold: 100      percent
//     slow-call-duration-ms: 60000
//     minimum-calls: 10
//     wait-in-open-ms: 5000
//     permitted-calls-in-half-open: 3
//   bulkhead.max-concurrent: 0           0: no limit; beyond it, refuse at once
//   retry: {max-attempts: 1, initial-backoff-ms: 50, multiplier: 2, jitter: 0.5}
//   idempotent-create: false             POST may be retried (the callee dedups by a key)
#include <optional>
#include <string>

#include "hexa/config/config.hpp"
#include "hexa/resilience/circuit_breaker.hpp"
#include "hexa/resilience/retry.hpp"

namespace hexa {

struct CallPolicy {
  std::int64_t timeout_ms = 2000;
  std::optional<resilience::CircuitBreaker::Options> breaker;
  int bulkhead = 0;
  resilience::RetryPolicy retry{1};
  bool idempotent_create = false;

  static CallPolicy from(const Config& config, const std::string& service);
};

}  // namespace hexa
