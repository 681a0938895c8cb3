#pragma once
// Private to hexa/gateway: the caller's identity as services receive it. The gateway alone
// writes these headers: whatever a client sends under X-Auth-* is removed first, so a service
// can trust them (it listens on loopback; the gateway is the only door).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/http/message.hpp"

namespace hexa::gateway {

inline constexpr std::string_view kSubjectHeader = "X-Auth-Subject";
inline constexpr std::string_view kRolesHeader = "X-Auth-Roles";    // comma-separated
inline constexpr std::string_view kClientHeader = "X-Auth-Client-Id";

struct Identity {
  std::string subject;
  std::vector<std::string> roles;
  std::string client_id;
  // From a verified token's claims: sub, roles (an array of strings), client_id.
  static Identity from_claims(const nlohmann::json& claims);
};

void strip_identity_headers(http::Request& req);  // every X-Auth-* header
void set_identity_headers(http::Request& req, const Identity& identity);

}  // namespace hexa::gateway
