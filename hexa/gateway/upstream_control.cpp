#include "hexa/gateway/upstream_control.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace hexa::gateway {
namespace {

constexpr std::string_view kPrefix = "/actuator/upstreams/";

bool from_loopback(const http::Peer& peer) {
  return peer.address == "127.0.0.1" || peer.address == "::1" || peer.address == "::ffff:127.0.0.1";
}

std::vector<http::Endpoint> endpoints_of(const std::string& body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || !json.contains("urls") || !json["urls"].is_array() || json["urls"].empty())
    throw std::invalid_argument(R"(expected {"urls": ["http://127.0.0.1:PORT", ...]})");
  std::vector<http::Endpoint> out;
  for (const auto& url : json["urls"]) {
    if (!url.is_string()) throw std::invalid_argument("urls must be strings");
    out.push_back(http::Endpoint::parse(url.get<std::string>()));
  }
  return out;
}

}  // namespace

UpstreamControl::UpstreamControl(const Config& config) : token_(config.get("upstream.control-token", "")) {}

std::optional<http::Response> UpstreamControl::handle(const http::Request& req, const http::Peer& peer,
                                                      const RouteTable& routes) const {
  const std::string_view target = req.target();
  if (token_.empty() || !target.starts_with(kPrefix)) return std::nullopt;
  const auto given = req.find(kControlTokenHeader);
  if (!from_loopback(peer) || given == req.end() || given->value() != token_)
    return http::error_response(req, http::Status::forbidden, "upstream control is for the launcher");
  if (req.method() != http::Verb::put) return http::error_response(req, http::Status::method_not_allowed, "use PUT");
  const std::string service(target.substr(kPrefix.size()));
  Upstream* upstream = routes.upstream(service);
  if (!upstream) return http::error_response(req, http::Status::not_found, "no route goes to service '" + service + "'");
  try {
    const auto endpoints = endpoints_of(req.body());
    upstream->set_members(endpoints);
    std::string list;
    for (const auto& e : endpoints) list += (list.empty() ? "" : ", ") + e.str();
    spdlog::info("gateway: {} instances are now {}", service, list);
  } catch (const std::exception& e) {  // a malformed body or address: nothing changed
    return http::error_response(req, http::Status::bad_request, e.what());
  }
  return http::json_response(req, http::Status::ok, R"({"status":"applied"})");
}

}  // namespace hexa::gateway
