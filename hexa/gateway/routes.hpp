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
  bool matches(std::string_view path) const;
};

// The instances of one service, taken in turn.
class Upstream {
 public:
  Upstream(std::string service, std::vector<http::Endpoint> instances);
  const std::string& service() const { return service_; }
  const http::Endpoint& next();  // thread-safe

 private:
  std::string service_;
  std::vector<http::Endpoint> instances_;
  std::atomic<std::size_t> next_{0};
};

class RouteTable {
 public:
  // Reads routes.<n>.{id,service,paths} and services.<service>.url; throws on a route that
  // cannot be served.
  explicit RouteTable(const Config& config);
  // The upstream of the first route matching `path` (no query string), or null.
  Upstream* find(std::string_view path) const;

 private:
  std::vector<Route> routes_;
  std::map<std::string, std::unique_ptr<Upstream>> upstreams_;  // by service
};

}  // namespace hexa::gateway
