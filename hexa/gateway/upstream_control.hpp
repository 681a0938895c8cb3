#pragma once
// Private to hexa/gateway: the launcher changes a service's instances while the gateway runs
// (`hexa rollout`): PUT /actuator/upstreams/<service> {"urls": ["http://127.0.0.1:8091", ...]}.
// Only with `upstream.control-token` set (the launcher sets UPSTREAM_CONTROL_TOKEN, fresh per
// run), only from loopback, only with that token in X-Hexa-Control-Token. The answer comes once
// the new members are in place: from then on no new request goes to an instance left out, so
// the launcher may drain and stop it. Without a token the path is routed like any other.
#include <optional>
#include <string>

#include "hexa/config/config.hpp"
#include "hexa/gateway/routes.hpp"
#include "hexa/http/message.hpp"
#include "hexa/http/server.hpp"

namespace hexa::gateway {

inline constexpr const char* kControlTokenHeader = "X-Hexa-Control-Token";

class UpstreamControl {
 public:
  explicit UpstreamControl(const Config& config);
  // The answer when `req` is a control request, nothing when it is for the routes.
  std::optional<http::Response> handle(const http::Request& req, const http::Peer& peer, const RouteTable& routes) const;

 private:
  std::string token_;
};

}  // namespace hexa::gateway
