#pragma once
// Who asks a service for a change, as far as the service can tell. The gateway is the only door
// from outside (services listen on loopback); it removes whatever a client sends under X-Auth-*
// and X-Hexa-* and writes its own (hexa/gateway/identity.hpp), so a service believes them:
//   - no X-Hexa-Gateway header: a service call, straight from another service of the system
//     (Remote<T>) or from an operator on the host;
//   - X-Hexa-Gateway: open: from outside, through a gateway that checks no tokens (security
//     off, the default profile: the seed's commands work without a login), so nobody's roles
//     are known;
//   - X-Hexa-Gateway: secure: from outside, through a gateway that checks tokens; X-Auth-Roles
//     holds every role the caller has (absent on an open path: none).
// A command limited to roles (CommandAccess) trusts service calls and an open gateway, and
// asks a secure gateway's caller for one of its roles; a command for services only refuses
// every caller from outside, in every profile.
#include <string>
#include <string_view>
#include <vector>

#include "hexa/http/message.hpp"

namespace hexa::rest {

inline constexpr std::string_view kGatewayHeader = "X-Hexa-Gateway";  // "open" | "secure"
inline constexpr std::string_view kRolesHeader = "X-Auth-Roles";      // comma-separated

struct Caller {
  enum class Via { Service, OpenGateway, SecureGateway };
  Via via = Via::Service;
  std::vector<std::string> roles;  // from a secure gateway only

  static Caller of(const http::Request& req);
  bool from_outside() const { return via != Via::Service; }
  // True unless a secure gateway vouches for a caller holding none of `wanted`.
  bool may_act_as(const std::vector<std::string>& wanted) const;
};

}  // namespace hexa::rest
