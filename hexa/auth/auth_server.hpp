#pragma once
// The auth service of a system (build/bin/hexa-auth): issues access tokens and publishes the
// key that verifies them. Routes:
//   POST /oauth/token              RFC 6749 password and client_credentials grants
//   GET  /.well-known/jwks.json    the public signing key (RFC 7517)
//   GET  /actuator/health{,/liveness,/readiness}
// Configuration (see systems/carrental/auth.yaml): server.address, server.port, server.workers,
// token.issuer, token.audience, token.ttl-s, users.*, clients.* (accounts.hpp), keys.* and
// data.dir (signing_key.hpp), login.* (failed logins throttled: login_throttle.hpp; the client
// is the X-Forwarded-For of a trusted proxy, server.trusted-proxies, loopback by default).
#include <chrono>
#include <cstdint>
#include <memory>

#include "hexa/config/config.hpp"

namespace hexa::auth {

class TokenIssuer;

class AuthServer {
 public:
  // Reads accounts and the signing key; throws std::runtime_error on a configuration it
  // cannot serve (a password in clear, no issuer, an unreadable key).
  explicit AuthServer(const Config& config);
  ~AuthServer();
  AuthServer(const AuthServer&) = delete;
  AuthServer& operator=(const AuthServer&) = delete;

  void start();  // binds; throws if it cannot
  std::uint16_t port() const;
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{5000});
  const TokenIssuer& issuer() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hexa::auth
