#include "hexa/gateway/routes.hpp"

#include <algorithm>
#include <stdexcept>

#include "hexa/gateway/list.hpp"

namespace hexa::gateway {
namespace {

bool is_index(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Config lists its children in text order ("10" before "2"); routes keep the file's order.
std::vector<std::string> route_keys(const Config& config) {
  auto keys = config.children("routes");
  if (std::all_of(keys.begin(), keys.end(), is_index)) {
    std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
      return std::stoul(a) < std::stoul(b);
    });
  }
  return keys;
}

std::vector<http::Endpoint> instances_of(const Config& config, const std::string& service,
                                         const std::string& route) {
  const auto urls = config.find("services." + service + ".url");
  if (!urls || split_list(*urls).empty())
    throw std::runtime_error("gateway: route '" + route + "' needs services." + service + ".url");
  std::vector<http::Endpoint> out;
  try {
    for (const auto& url : split_list(*urls)) out.push_back(http::Endpoint::parse(url));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("gateway: services." + service + ".url: " + e.what());
  }
  return out;
}

}  // namespace

bool path_matches(std::string_view pattern, std::string_view path) {
  if (!pattern.ends_with("/**")) return pattern == path;
  const auto prefix = pattern.substr(0, pattern.size() - 3);
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || prefix.empty();
}

bool Route::matches(std::string_view path) const {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return path_matches(p, path); });
}

Upstream::Upstream(std::string service, std::vector<http::Endpoint> instances)
    : service_(std::move(service)), instances_(std::move(instances)) {}

const http::Endpoint& Upstream::next() {
  return instances_[next_.fetch_add(1, std::memory_order_relaxed) % instances_.size()];
}

RouteTable::RouteTable(const Config& config) {
  for (const auto& key : route_keys(config)) {
    const std::string base = "routes." + key;
    Route r;
    r.id = config.get(base + ".id", key);
    r.service = config.get(base + ".service", r.id);
    r.patterns = split_list(config.get(base + ".paths", ""));
    if (r.patterns.empty()) throw std::runtime_error("gateway: route '" + r.id + "' has no paths");
    if (!upstreams_.contains(r.service)) {
      upstreams_.emplace(r.service, std::make_unique<Upstream>(
                                        r.service, instances_of(config, r.service, r.id)));
    }
    routes_.push_back(std::move(r));
  }
}

Upstream* RouteTable::find(std::string_view path) const {
  for (const auto& r : routes_)
    if (r.matches(path)) return upstreams_.at(r.service).get();
  return nullptr;
}

}  // namespace hexa::gateway
