#include "hexa/client/call_policy.hpp"

#include <stdexcept>

namespace hexa {

namespace {

resilience::CircuitBreaker::Options breaker_options(const Config& c, const std::string& p) {
  resilience::CircuitBreaker::Options o;
  const std::string type = c.get(p + "window-type", "count");
  if (type != "count" && type != "time")
    throw std::runtime_error(p + "window-type must be count or time, got '" + type + "'");
  o.window_type = type == "time" ? o.TimeBased : o.CountBased;
  o.window_size = static_cast<int>(c.get_int(p + "window-size", o.window_size));
  o.failure_rate_threshold = c.get_double(p + "failure-rate-threshold", o.failure_rate_threshold);
  o.slow_call_rate_threshold = c.get_double(p + "slow-call-rate-threshold", o.slow_call_rate_threshold);
  o.slow_call_duration = std::chrono::milliseconds(c.get_int(p + "slow-call-duration-ms", o.slow_call_duration.count()));
  o.minimum_calls = static_cast<int>(c.get_int(p + "minimum-calls", o.minimum_calls));
  o.wait_in_open = std::chrono::milliseconds(c.get_int(p + "wait-in-open-ms", o.wait_in_open.count()));
  o.permitted_calls_in_half_open =
      static_cast<int>(c.get_int(p + "permitted-calls-in-half-open", o.permitted_calls_in_half_open));
  return o;
}

}  // namespace

CallPolicy CallPolicy::from(const Config& c, const std::string& service) {
  const std::string p = "clients." + service + ".";
  CallPolicy policy;
  policy.timeout_ms = c.get_int(p + "timeout-ms", policy.timeout_ms);
  // Read even when disabled: its keys are then still checked, and known (Config::check_known).
  const auto breaker = breaker_options(c, p + "circuit-breaker.");
  if (c.get_bool(p + "circuit-breaker.enabled", true)) policy.breaker = breaker;
  policy.bulkhead = static_cast<int>(c.get_int(p + "bulkhead.max-concurrent", 0));
  policy.retry.max_attempts = static_cast<int>(c.get_int(p + "retry.max-attempts", 1));
  policy.retry.initial_backoff = std::chrono::milliseconds(c.get_int(p + "retry.initial-backoff-ms", 50));
  policy.retry.multiplier = c.get_double(p + "retry.multiplier", 2.0);
  policy.retry.jitter = c.get_double(p + "retry.jitter", 0.5);
  policy.idempotent_create = c.get_bool(p + "idempotent-create", false);
  return policy;
}

}  // namespace hexa
