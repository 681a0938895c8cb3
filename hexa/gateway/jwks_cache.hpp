#pragma once
// Private to hexa/gateway: the auth service's public keys, fetched over HTTP and kept. They are
// fetched on first need; refreshed in the background once older than `refresh_after`; fetched
// at once for a token whose key id is unknown (a key rotated), but not more often than
// `refetch_unknown_after`, so tokens with made-up key ids cannot make the gateway hammer the
// auth service. Concurrent needs share one fetch. Thread-safe.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hexa/auth/jwks.hpp"
#include "hexa/http/client.hpp"
#include "hexa/resilience/clock.hpp"

namespace hexa::gateway {

struct JwksOptions {
  http::Endpoint endpoint;
  std::string path = "/.well-known/jwks.json";
  std::chrono::milliseconds timeout{2000};
  std::chrono::seconds refresh_after{300};
  std::chrono::seconds refetch_unknown_after{10};
  std::chrono::milliseconds retry_failed_after{1000};  // while there are no keys at all
};

class JwksCache {
 public:
  using Keys = std::shared_ptr<const auth::KeySet>;  // null: no key set could be fetched yet

  // `client` must outlive the cache and its fetches in flight.
  JwksCache(http::Client& client, JwksOptions options, resilience::Clock clock = resilience::steady_clock());

  // Calls `then` with the keys: at once when they hold `kid` (or no fetch is allowed now), else
  // when a fetch ends, on the client's thread.
  void with_keys(const std::string& kid, std::function<void(Keys)> then);
  // The keys held now (null: none yet), starting a background refresh when they are old.
  Keys current();

 private:
  void fetch();
  void fetched(http::Reply reply);
  bool refresh_due(resilience::TimePoint now) const;  // with mutex_ held

  http::Client& client_;
  JwksOptions options_;
  resilience::Clock clock_;
  std::mutex mutex_;
  Keys keys_;
  resilience::TimePoint fetched_at_{};
  std::optional<resilience::TimePoint> last_attempt_;
  bool fetching_ = false;
  std::vector<std::function<void(Keys)>> waiting_;
};

}  // namespace hexa::gateway
