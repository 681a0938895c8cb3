#include "hexa/auth/login_throttle.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace hexa::auth {
namespace {

std::chrono::seconds seconds_until(LoginThrottle::Clock::time_point t, LoginThrottle::Clock::time_point now) {
  const auto left = std::chrono::ceil<std::chrono::seconds>(t - now);
  return std::max(left, std::chrono::seconds(1));
}

}  // namespace

ThrottleOptions ThrottleOptions::from(const Config& c) {
  ThrottleOptions o;
  o.account_in_flight = static_cast<int>(c.get_int("login.account.max-in-flight", o.account_in_flight));
  o.account_free_failures = static_cast<int>(c.get_int("login.account.free-failures", o.account_free_failures));
  o.client_in_flight = static_cast<int>(c.get_int("login.client.max-in-flight", o.client_in_flight));
  o.client_free_failures = static_cast<int>(c.get_int("login.client.free-failures", o.client_free_failures));
  o.first_wait = std::chrono::seconds(c.get_int("login.first-wait-s", o.first_wait.count()));
  o.max_wait = std::chrono::seconds(c.get_int("login.max-wait-s", o.max_wait.count()));
  o.forget_after = std::chrono::seconds(c.get_int("login.forget-after-s", o.forget_after.count()));
  o.max_pending = static_cast<std::size_t>(c.get_int("login.max-pending", static_cast<std::int64_t>(o.max_pending)));
  return o;
}

LoginThrottle::LoginThrottle(ThrottleOptions options) : options_(options) {}

std::optional<LoginThrottle::Verdict> LoginThrottle::refusal(const std::string& key, const Limits& limits,
                                                             const char* who, Clock::time_point now) {
  const auto it = records_.find(key);
  if (it == records_.end()) return std::nullopt;
  Record& r = it->second;
  if (r.failures > 0 && now - r.last_failure > options_.forget_after) r.failures = 0;
  if (now < r.blocked_until) {
    const auto wait = seconds_until(r.blocked_until, now);
    return Verdict{Verdict::Kind::Throttled, wait,
                   fmt::format("too many failed logins for this {}; try again in {} s", who, wait.count())};
  }
  if (r.in_flight >= limits.in_flight)
    return Verdict{Verdict::Kind::Throttled, std::chrono::seconds(1),
                   fmt::format("logins for this {} are already being checked; try again in 1 s", who)};
  return std::nullopt;
}

LoginThrottle::Verdict LoginThrottle::admit(const std::string& account, const std::string& client,
                                            Clock::time_point now) {
  const Limits per_account{options_.account_in_flight, options_.account_free_failures};
  const Limits per_client{options_.client_in_flight, options_.client_free_failures};
  std::lock_guard lock(mutex_);
  if (!account.empty())
    if (auto no = refusal("account:" + account, per_account, "account", now)) return *no;
  if (auto no = refusal("client:" + client, per_client, "client", now)) return *no;
  if (pending_ >= options_.max_pending)
    return {Verdict::Kind::Busy, std::chrono::seconds(1), "too many logins are being checked; try again in 1 s"};
  if (records_.size() + 2 > options_.max_tracked) make_room(now);
  if (!account.empty()) ++records_["account:" + account].in_flight;
  ++records_["client:" + client].in_flight;
  ++pending_;
  return {};
}

void LoginThrottle::settle(const std::string& key, const Limits& limits, bool failed, bool clears,
                           Clock::time_point now) {
  const auto it = records_.find(key);
  if (it == records_.end()) return;
  Record& r = it->second;
  --r.in_flight;
  if (failed) {
    ++r.failures;
    r.last_failure = now;
    if (const int over = r.failures - limits.free_failures; over > 0) {
      const auto wait = options_.first_wait * (1LL << std::min(over - 1, 20));
      r.blocked_until = now + std::min<std::chrono::seconds>(wait, options_.max_wait);
    }
  } else if (clears) {
    r.failures = 0;
    r.blocked_until = {};
  }
  if (r.in_flight == 0 && r.failures == 0) records_.erase(it);
}

void LoginThrottle::finish(const std::string& account, const std::string& client, bool failed,
                           Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!account.empty())
    settle("account:" + account, {options_.account_in_flight, options_.account_free_failures}, failed, true, now);
  settle("client:" + client, {options_.client_in_flight, options_.client_free_failures}, failed, false, now);
  --pending_;
}

// Forgets what no longer matters; when the table is still full, the oldest failures go first.
void LoginThrottle::make_room(Clock::time_point now) {
  std::erase_if(records_, [&](const auto& entry) {
    const Record& r = entry.second;
    return r.in_flight == 0 && now >= r.blocked_until && now - r.last_failure > options_.forget_after;
  });
  while (records_.size() + 2 > options_.max_tracked) {
    auto oldest = records_.end();
    for (auto it = records_.begin(); it != records_.end(); ++it)
      if (it->second.in_flight == 0 && (oldest == records_.end() || it->second.last_failure < oldest->second.last_failure))
        oldest = it;
    if (oldest == records_.end()) return;  // all in flight: bounded by max-pending anyway
    records_.erase(oldest);
  }
}

}  // namespace hexa::auth
