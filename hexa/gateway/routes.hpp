#pragma once
// Private to hexa/gateway: which service a path goes to, and which instance of it next.
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/http/client.hpp"

namespace hexa::gateway {

// "/contracts/**" matches "/contracts" and everything below it; other patterns match exactly.
bool path_matches(std::string_view pattern, std::string_view path);

struct Route {
  std::string id;
  std::string service;
  std::vector<std::string> patterns;
  // `methods:` in gateway.yaml: the only methods routed from outside (HEAD goes with GET);
  // empty: every method. Writes only services make (a payment, a reservation) stay inside.
  std::vector<std::string> methods;
  bool matches(std::string_view path) const;
  bool allows(std::string_view method) const;
};

// The instances of one service, taken in turn among those in rotation. An instance leaves the
// rotation when it fails its readiness check or refuses a connection, and comes back when it
// passes the check again (HealthChecker), whether the service has one instance or several.
// Thread-safe.
class Upstream {
 public:
  Upstream(std::string service, std::vector<http::Endpoint> instances);
  const std::string& service() const { return service_; }
  std::size_t size() const { return instances_.size(); }
  const http::Endpoint& endpoint(std::size_t i) const { return instances_[i]; }

  // The next instance in rotation other than `avoid` (a retry goes elsewhere); none when no
  // such instance is in rotation.
  std::optional<std::size_t> next(std::optional<std::size_t> avoid = std::nullopt);
  bool in_rotation(std::size_t i) const { return in_rotation_[i].load(std::memory_order_relaxed); }
  // True when this changed the instance's state.
  bool set_in_rotation(std::size_t i, bool in);

 private:
  std::string service_;
  std::vector<http::Endpoint> instances_;
  std::vector<std::atomic<bool>> in_rotation_;
  std::atomic<std::size_t> next_{0};
};

class RouteTable {
 public:
  // Reads routes.<n>.{id,service,paths,methods} and services.<service>.url; throws on a route that
  // cannot be served.
  explicit RouteTable(const Config& config);
  // The first route matching `path` (no query string), or null.
  const Route* route(std::string_view path) const;
  Upstream* upstream(const Route& route) const;
  std::vector<Upstream*> upstreams() const;

 private:
  std::vector<Route> routes_;
  std::map<std::string, std::unique_ptr<Upstream>> upstreams_;  // by service
};

}  // namespace hexa::gateway
