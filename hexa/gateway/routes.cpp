#include "hexa/gateway/routes.hpp"

#include <algorithm>
#include <stdexcept>

#include "hexa/gateway/list.hpp"

namespace hexa::gateway {
namespace {

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

bool Route::allows(std::string_view method) const {
  const auto named = [&](std::string_view m) { return std::find(methods.begin(), methods.end(), m) != methods.end(); };
  return methods.empty() || named(method) || (method == "HEAD" && named("GET"));
}

Upstream::Upstream(std::string service, std::vector<http::Endpoint> instances)
    : service_(std::move(service)), instances_(std::move(instances)), in_rotation_(instances_.size()) {
  for (auto& in : in_rotation_) in.store(true);  // until a check says otherwise
}

std::optional<std::size_t> Upstream::next(std::optional<std::size_t> avoid) {
  const std::size_t n = instances_.size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (start + k) % n;
    if (in_rotation(i) && i != avoid) return i;
  }
  return std::nullopt;
}

bool Upstream::set_in_rotation(std::size_t i, bool in) {
  return in_rotation_[i].exchange(in, std::memory_order_relaxed) != in;
}

RouteTable::RouteTable(const Config& config) {
  for (const auto& key : indexed_children(config, "routes")) {
    const std::string base = "routes." + key;
    Route r;
    r.id = config.get(base + ".id", key);
    r.service = config.get(base + ".service", r.id);
    r.patterns = split_list(config.get(base + ".paths", ""));
    if (r.patterns.empty()) throw std::runtime_error("gateway: route '" + r.id + "' has no paths");
    r.methods = split_list(config.get(base + ".methods", ""));
    for (auto& m : r.methods)
      std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!upstreams_.contains(r.service)) {
      upstreams_.emplace(r.service, std::make_unique<Upstream>(
                                        r.service, instances_of(config, r.service, r.id)));
    }
    routes_.push_back(std::move(r));
  }
}

std::vector<Upstream*> RouteTable::upstreams() const {
  std::vector<Upstream*> out;
  for (const auto& [service, upstream] : upstreams_) out.push_back(upstream.get());
  return out;
}

const Route* RouteTable::route(std::string_view path) const {
  for (const auto& r : routes_)
    if (r.matches(path)) return &r;
  return nullptr;
}

Upstream* RouteTable::upstream(const Route& route) const { return upstreams_.at(route.service).get(); }

}  // namespace hexa::gateway
