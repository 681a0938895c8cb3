#pragma once
// Failed logins, bounded. A password check costs PBKDF2's time (~0.3 s of a worker), so 30
// wrong passwords in flight once queued everyone's login behind them for seconds. Before a
// check is queued:
// - per account and per client address: at most a few checks at once, and after a few
//   failures each further one doubles a wait (1 s, 2 s, ... up to max-wait) during which that
//   account or client is refused at once (429, Retry-After); failures are forgotten after
//   forget-after, and a success clears its account's;
// - for everyone: at most max-pending checks queued or running; beyond, 503 at once.
// So one account under attack (or one client attacking) costs the others at most a check or
// two of waiting. Configuration: login.* (ThrottleOptions::from). Thread-safe.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "hexa/config/config.hpp"

namespace hexa::auth {

struct ThrottleOptions {
  int account_in_flight = 2;      // login.account.max-in-flight
  int account_free_failures = 5;  // login.account.free-failures
  int client_in_flight = 8;       // login.client.max-in-flight
  int client_free_failures = 20;  // login.client.free-failures (many users may share an address)
  std::chrono::seconds first_wait{1};       // login.first-wait-s
  std::chrono::seconds max_wait{60};        // login.max-wait-s
  std::chrono::seconds forget_after{900};   // login.forget-after-s
  std::size_t max_pending = 16;             // login.max-pending
  std::size_t max_tracked = 10'000;         // accounts and clients remembered at most
  static ThrottleOptions from(const Config& config);
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(ThrottleOptions options = {});

  struct Verdict {
    enum class Kind { Admitted, Throttled, Busy } kind = Kind::Admitted;
    std::chrono::seconds retry_after{0};
    std::string why;
    bool admitted() const { return kind == Kind::Admitted; }
  };
  // Before a check for `account` (may be empty) from `client`. An admitted check must be
  // followed by finish() with the same names.
  Verdict admit(const std::string& account, const std::string& client, Clock::time_point now = Clock::now());
  // `failed`: the credentials were wrong.
  void finish(const std::string& account, const std::string& client, bool failed,
              Clock::time_point now = Clock::now());

 private:
  struct Record {
    int in_flight = 0;
    int failures = 0;
    Clock::time_point last_failure{}, blocked_until{};
  };
  struct Limits {
    int in_flight, free_failures;
  };
  std::optional<Verdict> refusal(const std::string& key, const Limits& limits, const char* who, Clock::time_point now);
  void settle(const std::string& key, const Limits& limits, bool failed, bool clears, Clock::time_point now);
  void make_room(Clock::time_point now);

  const ThrottleOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;  // "account:<name>", "client:<address>"
  std::size_t pending_ = 0;
};

}  // namespace hexa::auth
