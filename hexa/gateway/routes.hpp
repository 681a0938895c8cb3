#pragma once
// Private to hexa/gateway: which service a path goes to, and which instance of it next.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
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
// The members can change while the gateway runs (set_members, a rollout): an instance that
// leaves keeps its index, retired, so a call holding an index stays valid; indexes are never
// reused for another address. Thread-safe.
class Upstream {
 public:
  static constexpr std::size_t kMaxInstances = 256;  // distinct addresses over the gateway's life

  Upstream(std::string service, std::vector<http::Endpoint> instances);
  const std::string& service() const { return service_; }
  // Every index ever used, retired ones included: iterate 0..size() and skip non-members.
  std::size_t size() const { return count_.load(std::memory_order_acquire); }
  const http::Endpoint& endpoint(std::size_t i) const { return slots_[i]->endpoint; }
  bool member(std::size_t i) const { return slots_[i]->member.load(std::memory_order_acquire); }
  std::size_t members() const;

  // The next member in rotation other than `avoid` (a retry goes elsewhere); none when no
  // such instance is in rotation.
  std::optional<std::size_t> next(std::optional<std::size_t> avoid = std::nullopt);
  bool in_rotation(std::size_t i) const { return slots_[i]->in_rotation.load(std::memory_order_relaxed); }
  // True when this changed the instance's state.
  bool set_in_rotation(std::size_t i, bool in);
  // The instances from now on: new ones join in rotation (whoever adds them has seen them
  // ready), missing ones are retired at once. Throws std::length_error past kMaxInstances.
  void set_members(const std::vector<http::Endpoint>& instances);

 private:
  struct Slot {
    http::Endpoint endpoint;
    std::atomic<bool> in_rotation{true};  // until a check says otherwise
    std::atomic<bool> member{true};
  };
  std::string service_;
  std::vector<std::unique_ptr<Slot>> slots_;  // kMaxInstances, filled in order, never moved
  std::atomic<std::size_t> count_{0};         // slots published to readers
  std::mutex writer_;                         // set_members callers, one at a time
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
  Upstream* upstream(const std::string& service) const;  // null when no route goes to it
  std::vector<Upstream*> upstreams() const;

 private:
  std::vector<Route> routes_;
  std::map<std::string, std::unique_ptr<Upstream>> upstreams_;  // by service
};

}  // namespace hexa::gateway
