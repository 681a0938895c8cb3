#pragma once
// The API gateway: one door for a system's services, as the seeds' Spring Cloud Gateway.
// Routes by path prefix (first match wins) to the instances of a service (round robin),
// answers CORS preflights itself, and turns an absent or slow service into a 502 or 504 in
// Spring's error shape. Configuration (see systems/carrental/gateway.yaml):
//   server.address, server.port, server.io-threads
//   routes[]: id, service, paths ("/contracts/**" matches /contracts and /contracts/...)
//   services.<service>.url: "http://127.0.0.1:8081" or a comma-separated list of replicas
//   cors.allowed-origins, cors.allowed-methods, cors.allowed-headers, cors.max-age
//   upstream.timeout-ms, upstream.connect-timeout-ms
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
