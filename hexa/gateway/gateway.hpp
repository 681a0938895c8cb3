#pragma once
// The API gateway: one door for a system's services, as the seeds' Spring Cloud Gateway.
// Routes by path prefix (first match wins) to the instances of a service (round robin over the
// ready ones), answers CORS preflights itself, and turns a service with no ready instance into a
// 503, a call that broke into a 502 and a slow one into a 504, in Spring's error shape. With
// security enabled it checks Bearer JWTs and route rules (401/403), rate limits per caller
// (429), and passes the caller on in X-Auth-* headers (X-Auth-Owner for a caller limited to what
// it owns); every request gets an X-Request-Id, a traceparent and an access log line. A GET
// asking for an event stream (Accept: text/event-stream, a view's /live) is relayed as the
// service sends it, until either side closes (stream_relay.hpp): only its head is timed.
// Configuration (see systems/carrental/gateway.yaml and README "Security"):
//   server.address, server.port, server.io-threads
//   routes[]: id, service, paths ("/contracts/**" matches /contracts and /contracts/...),
//             methods (the only ones routed from outside, else 405; absent: all)
//   server.public-url, server.trusted-proxies (rest/public_url.hpp; the gateway trusts none
//             by default, so a client's X-Forwarded-* are replaced by the gateway's own)
//   services.<service>.url: "http://127.0.0.1:8081" or a comma-separated list of replicas
//   cors.allowed-origins, cors.allowed-methods, cors.allowed-headers, cors.max-age
//   upstream.timeout-ms, upstream.connect-timeout-ms, upstream.retries,
//   upstream.health.{interval-ms, timeout-ms, path}          (health_checker.hpp)
//   upstream.control-token: lets the launcher change instances (upstream_control.hpp)
//   security.{enabled, realm, issuer, audience, clock-skew-s, jwks.*, token-cache-size}
//                                                             (authenticator.hpp)
//   security.open-paths, security.rules[]: paths, methods, roles,
//   security.owner-bypass-roles                                (access_rules.hpp)
//   rate-limit.rps, rate-limit.burst (RATE_LIMIT_RPS, RATE_LIMIT_BURST)   (token_bucket.hpp)
//   access-log.enabled
//   web.root (WEB_ROOT): the system's web front end, served at / for paths no route matches,
//             open even with security on (static_files.hpp); the launcher sets it
#include <chrono>
#include <cstdint>
#include <memory>

#include "hexa/config/config.hpp"

namespace hexa::gateway {

class Gateway {
 public:
  // Throws std::runtime_error on a configuration it cannot serve (a route without a service
  // address, a malformed address).
  explicit Gateway(const Config& config);
  ~Gateway();  // stop()
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  void start();                // binds; throws if it cannot
  std::uint16_t port() const;  // the bound port
  // Stops accepting, lets requests in flight finish (up to `grace`), then closes.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{5000});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hexa::gateway
