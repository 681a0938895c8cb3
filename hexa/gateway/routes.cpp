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
    : service_(std::move(service)), slots_(kMaxInstances) {
  set_members(instances);
}

std::size_t Upstream::members() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < size(); ++i) n += member(i) ? 1 : 0;
  return n;
}

std::optional<std::size_t> Upstream::next(std::optional<std::size_t> avoid) {
  const std::size_t n = size();
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (start + k) % n;
    if (member(i) && in_rotation(i) && i != avoid) return i;
  }
  return std::nullopt;
}

bool Upstream::set_in_rotation(std::size_t i, bool in) {
  return slots_[i]->in_rotation.exchange(in, std::memory_order_relaxed) != in;
}

void Upstream::set_members(const std::vector<http::Endpoint>& instances) {
  const std::scoped_lock lock(writer_);
  const auto same = [](const http::Endpoint& a, const http::Endpoint& b) { return a.host == b.host && a.port == b.port; };
  std::size_t n = count_.load(std::memory_order_relaxed);
  for (const auto& e : instances) {
    std::size_t i = 0;
    while (i < n && !same(slots_[i]->endpoint, e)) ++i;
    if (i == n) {
      if (n == kMaxInstances) throw std::length_error("gateway: too many instances of " + service_);
      slots_[n] = std::make_unique<Slot>();
      slots_[n]->endpoint = e;
      count_.store(++n, std::memory_order_release);
    } else if (!member(i)) {
      slots_[i]->in_rotation.store(true, std::memory_order_relaxed);
      slots_[i]->member.store(true, std::memory_order_release);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const bool wanted = std::any_of(instances.begin(), instances.end(), [&](const auto& e) { return same(slots_[i]->endpoint, e); });
    if (!wanted) slots_[i]->member.store(false, std::memory_order_release);
  }
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

Upstream* RouteTable::upstream(const std::string& service) const {
  const auto it = upstreams_.find(service);
  return it == upstreams_.end() ? nullptr : it->second.get();
}

}  // namespace hexa::gateway
