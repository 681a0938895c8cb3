#include "hexa/client/remote_caller.hpp"

#include <fmt/format.h>
#include <sstream>
#include <thread>

#include "hexa/model/errors.hpp"
#include "hexa/rest/resource_core.hpp"

namespace hexa {

namespace {

bool failed(const http::Reply& reply) {
  return !reply.answered() || reply.response.result_int() >= 500;
}

resilience::TimePoint steady_at(std::int64_t epoch_ms) {
  return resilience::steady_clock()() + std::chrono::milliseconds(epoch_ms - now_ms());
}

// A refusal's reason as the callee gave it: the "message" of its error JSON, else its body.
std::string reason_of(const std::string& body) {
  const auto j = rest::parse(body);
  if (j.is_object())
    if (const auto m = j.find("message"); m != j.end() && m->is_string()) return m->get<std::string>();
  return body;
}

}  // namespace

RemoteCaller::RemoteCaller(http::Client& client, const Config& config, std::string service, Metrics& metrics)
    : RemoteCaller([&client](const http::Endpoint& to, http::Request req, std::chrono::milliseconds timeout) {
        return client.send(to, std::move(req), timeout);
      }, config, std::move(service), metrics) {}

RemoteCaller::RemoteCaller(Transport transport, const Config& config, std::string service, Metrics& metrics)
    : send_(std::move(transport)), service_(std::move(service)), policy_(CallPolicy::from(config, service_)) {
  std::stringstream urls(config.get("services." + service_ + ".url", ""));
  for (std::string url; std::getline(urls, url, ',');)
    if (!url.empty()) endpoints_.push_back(http::Endpoint::parse(url));
  if (endpoints_.empty())
    throw std::runtime_error(fmt::format("no address for service '{}': set services.{}.url", service_, service_));
  if (policy_.breaker) breaker_ = std::make_unique<resilience::CircuitBreaker>(service_, *policy_.breaker);
  if (policy_.concurrency == CallPolicy::Concurrency::Fixed)
    bulkhead_ = std::make_unique<resilience::Bulkhead>(policy_.bulkhead);
  if (policy_.concurrency == CallPolicy::Concurrency::Adaptive)
    limit_ = std::make_unique<resilience::AdaptiveLimit>(policy_.adaptive);
  register_metrics(metrics);
}

void RemoteCaller::register_metrics(Metrics& metrics) {
  using State = resilience::CircuitBreaker::State;
  if (breaker_)
    for (auto s : {State::Closed, State::Open, State::HalfOpen}) {
      std::string state(resilience::CircuitBreaker::state_name(s));
      for (auto& c : state) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      metrics.gauge("resilience4j_circuitbreaker_state", {{"name", service_}, {"state", state}},
                    "1 when the circuit breaker is in this state",
                    [b = breaker_.get(), s] { return b->state() == s ? 1.0 : 0.0; });
    }
  if (breaker_) {
    const auto reading = [b = breaker_.get()](auto field) {
      return [b, field] { return static_cast<double>(b->metrics().*field); };
    };
    using M = resilience::CircuitBreaker::Metrics;
    metrics.gauge("resilience4j_circuitbreaker_buffered_calls", {{"name", service_}, {"kind", "failed"}},
                  "calls in the breaker's sliding window", reading(&M::failed_calls));
    metrics.gauge("resilience4j_circuitbreaker_buffered_calls", {{"name", service_}, {"kind", "all"}},
                  "calls in the breaker's sliding window", reading(&M::buffered_calls));
    metrics.gauge("resilience4j_circuitbreaker_slow_calls", {{"name", service_}},
                  "slow calls in the breaker's sliding window", reading(&M::slow_calls));
    metrics.gauge("resilience4j_circuitbreaker_failure_rate", {{"name", service_}},
                  "percent of the window's calls that failed; -1 while too few are buffered",
                  reading(&M::failure_rate));
  }
  if (breaker_)
    metrics.counter("resilience4j_circuitbreaker_not_permitted_calls_total", {{"name", service_}},
                  "calls refused by the open circuit breaker",
                  [b = breaker_.get()] { return static_cast<double>(b->metrics().not_permitted_calls); });
  if (bulkhead_)
    metrics.counter("resilience4j_bulkhead_refused_calls_total", {{"name", service_}},
                  "calls refused by the full bulkhead",
                  [b = bulkhead_.get()] { return static_cast<double>(b->refused()); });
  if (limit_) {
    const MetricLabels name{{"name", service_}};
    metrics.gauge("hexa_client_concurrency_limit", name, "calls the adaptive limit lets be in flight at once",
                  [l = limit_.get()] { return static_cast<double>(l->limit()); });
    metrics.gauge("hexa_client_concurrency_in_flight", name, "calls in flight",
                  [l = limit_.get()] { return static_cast<double>(l->in_flight()); });
    metrics.counter("hexa_client_concurrency_refused_calls_total", name, "calls refused by the adaptive limit",
                  [l = limit_.get()] { return static_cast<double>(l->refused()); });
  }
}

http::Reply RemoteCaller::attempt(http::Verb verb, const std::string& target, const std::optional<rest::Json>& body,
                                  std::int64_t deadline_ms, const std::string& idempotency_key) {
  const std::int64_t timeout = std::min(policy_.attempt_timeout_ms(), deadline_ms - now_ms());
  if (timeout <= 0) throw Unavailable(fmt::format("no time left to call {}", service_));
  std::optional<resilience::Bulkhead::Permit> permit;
  if (bulkhead_ && !(permit = bulkhead_->try_enter()))
    throw Unavailable(fmt::format("too many calls to {} in flight", service_));
  std::optional<resilience::AdaptiveLimit::Permit> place;
  if (limit_ && !(place = limit_->try_acquire()))
    throw Unavailable(fmt::format("too many calls to {} in flight (adaptive limit {})", service_, limit_->limit()));
  if (breaker_ && !breaker_->try_acquire())
    throw Unavailable(fmt::format("circuit breaker for {} is open", service_));
  http::Request req{verb, target, 11};
  req.set(http::beast_http::field::accept, "application/json");
  req.set(rest::kDeadlineHeader, std::to_string(now_ms() + timeout));
  if (!idempotency_key.empty()) req.set(kIdempotencyKeyHeader, idempotency_key);
  if (body) {
    req.set(http::beast_http::field::content_type, "application/json");
    req.body() = rest::dump(*body);
  }
  const auto& to = endpoints_[next_++ % endpoints_.size()];
  const auto started = std::chrono::steady_clock::now();
  http::Reply reply = send_(to, std::move(req), std::chrono::milliseconds(timeout));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // The callee's latency: answers below 5xx and timeouts; a refused connection or a 5xx is the
  // breaker's to judge (a fast failure is no sign of a short queue).
  if (place && reply.failure == http::Failure::Timeout) place->timed_out();
  if (place && reply.answered() && reply.response.result_int() < 500) place->answered();
  if (breaker_) failed(reply) ? breaker_->on_failure(elapsed) : breaker_->on_success(elapsed);
  return reply;
}

std::optional<rest::Json> RemoteCaller::call(http::Verb verb, const std::string& target,
                                             const std::optional<rest::Json>& body,
                                             std::optional<std::int64_t> deadline_ms, Idempotent idempotent,
                                             const std::string& idempotency_key) {
  const std::int64_t deadline = deadline_ms.value_or(now_ms() + policy_.attempt_timeout_ms());
  const bool retryable = idempotent == Idempotent::Yes || verb == http::Verb::get || !idempotency_key.empty();
  http::Reply reply;
  bool may_have_acted = false;  // an earlier attempt timed out or broke: a later "no" proves nothing
  for (int n = 1;; ++n) {
    try {
      reply = attempt(verb, target, body, deadline, idempotency_key);
    } catch (const Unavailable& e) {
      if (may_have_acted) throw Uncertain(fmt::format("{} (after an attempt of unknown outcome)", e.what()));
      throw;
    }
    may_have_acted = may_have_acted || reply.failure == http::Failure::Timeout || reply.failure == http::Failure::Broken;
    if (!failed(reply) || !retryable) break;
    std::chrono::milliseconds backoff;
    {
      std::lock_guard lock(random_mutex_);
      backoff = policy_.retry.backoff(n + 1, random_);
    }
    if (!policy_.retry.worth_retrying(n + 1, backoff, resilience::steady_clock()(), steady_at(deadline))) break;
    std::this_thread::sleep_for(backoff);  // a worker thread; bounded by the deadline
  }
  switch (reply.failure) {
    case http::Failure::Refused:
      if (may_have_acted) throw Uncertain(fmt::format("{} is unavailable after an attempt of unknown outcome", service_));
      throw Unavailable(fmt::format("{} is unavailable: {}", service_, reply.error));
    case http::Failure::Timeout:
    case http::Failure::Broken:
      throw Uncertain(fmt::format("{} did not answer in time: {}", service_, reply.error));
    case http::Failure::None: break;
  }
  const int status = static_cast<int>(reply.response.result_int());
  if (status == 404 && verb == http::Verb::get) return std::nullopt;
  if (status >= 400 && status < 500)
    throw Refused(status, fmt::format("{} refused ({}): {}", service_, status, reason_of(reply.response.body())));
  if ((status < 200 || status >= 300) && may_have_acted)
    throw Uncertain(fmt::format("{} answered {} after an attempt of unknown outcome", service_, status));
  if (status < 200 || status >= 300)
    throw Unavailable(fmt::format("{} answered {}: {}", service_, status, reply.response.body()));
  if (reply.response.body().empty()) return rest::Json::object();
  auto j = rest::parse(reply.response.body());
  if (j.is_discarded()) throw Unavailable(fmt::format("{} answered malformed JSON", service_));
  return j;
}

}  // namespace hexa
