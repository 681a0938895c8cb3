#include "hexa/client/call_policy.hpp"

#include <stdexcept>

#include "hexa/client/question_scope.hpp"

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

resilience::AdaptiveLimit::Options adaptive_options(const Config& c, const std::string& p, std::int64_t timeout_ms) {
  resilience::AdaptiveLimit::Options o;
  o.initial_limit = static_cast<int>(c.get_int(p + "initial-limit", o.initial_limit));
  o.min_limit = static_cast<int>(c.get_int(p + "min-limit", o.min_limit));
  o.max_limit = static_cast<int>(c.get_int(p + "max-limit", o.max_limit));
  o.window = static_cast<int>(c.get_int(p + "window", o.window));
  o.tolerance = c.get_double(p + "tolerance", o.tolerance);
  // A rise well under the time a caller waits anyway is not worth turning customers away for.
  o.min_delay = std::chrono::milliseconds(c.get_int(p + "min-delay-ms", timeout_ms / 10));
  o.timeout_share = c.get_double(p + "timeout-share", o.timeout_share);
  o.timeout = std::chrono::milliseconds(timeout_ms);
  o.baseline_windows = static_cast<int>(c.get_int(p + "baseline-windows", o.baseline_windows));
  // Before anything is known, waiting as long as a rise that is not worth a refusal.
  o.first_wait = std::chrono::milliseconds(c.get_int(p + "first-wait-ms", o.min_delay.count()));
  return o;
}

CallPolicy::Concurrency concurrency_kind(const Config& c, const std::string& p, int bulkhead) {
  const std::string kind = c.get(p + "concurrency", bulkhead > 0 ? "fixed" : "adaptive");
  // A size given to a guard that does not use it would be ignored without a word: a size set from
  // the environment over a yaml naming adaptive ran the adaptive limit (the overload bench did).
  if (kind != "fixed" && bulkhead > 0)
    throw std::runtime_error(p + "bulkhead.max-concurrent is " + std::to_string(bulkhead) + " but " + p +
                             "concurrency is " + kind + ": a fixed size needs concurrency: fixed (or leave it out)");
  if (kind == "adaptive") return CallPolicy::Concurrency::Adaptive;
  if (kind == "fixed" && bulkhead <= 0)
    throw std::runtime_error(p + "concurrency fixed needs bulkhead.max-concurrent above 0");
  if (kind == "fixed") return CallPolicy::Concurrency::Fixed;
  if (kind == "none") return CallPolicy::Concurrency::None;
  throw std::runtime_error(p + "concurrency must be adaptive, fixed or none, got '" + kind + "'");
}

}  // namespace

CallPolicy CallPolicy::from(const Config& c, const std::string& service) {
  const std::string p = "clients." + service + ".";
  CallPolicy policy;
  policy.timeout_ms = c.get_int(p + "timeout-ms", policy.timeout_ms);
  policy.reconcile_timeout_ms = c.get_int(p + "reconcile-timeout-ms", 5 * policy.timeout_ms);
  if (policy.reconcile_timeout_ms < policy.timeout_ms)
    throw std::runtime_error(p + "reconcile-timeout-ms must be at least timeout-ms: the question waits for what the call could not");
  // Read even when disabled: its keys are then still checked, and known (Config::check_known).
  const auto breaker = breaker_options(c, p + "circuit-breaker.");
  if (c.get_bool(p + "circuit-breaker.enabled", true)) policy.breaker = breaker;
  policy.bulkhead = static_cast<int>(c.get_int(p + "bulkhead.max-concurrent", 0));
  policy.concurrency = concurrency_kind(c, p, policy.bulkhead);
  policy.adaptive = adaptive_options(c, p + "adaptive.", policy.timeout_ms);
  policy.retry.max_attempts = static_cast<int>(c.get_int(p + "retry.max-attempts", 1));
  policy.retry.initial_backoff = std::chrono::milliseconds(c.get_int(p + "retry.initial-backoff-ms", 50));
  policy.retry.multiplier = c.get_double(p + "retry.multiplier", 2.0);
  policy.retry.jitter = c.get_double(p + "retry.jitter", 0.5);
  policy.idempotent_create = c.get_bool(p + "idempotent-create", false);
  return policy;
}

std::int64_t CallPolicy::attempt_timeout_ms() const {
  return QuestionScope::asking() ? reconcile_timeout_ms : timeout_ms;
}

}  // namespace hexa
