#pragma once
// Private to hexa/gateway: the caller's identity as services receive it. The gateway alone
// writes these headers: whatever a client sends under X-Auth-* is removed first
// (strip_internal_headers, forward.hpp), so a service can trust them (it listens on loopback;
// the gateway is the only door).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hexa/http/message.hpp"
#include "hexa/rest/caller.hpp"
#include "hexa/rest/ownership.hpp"

namespace hexa::gateway {

inline constexpr std::string_view kSubjectHeader = "X-Auth-Subject";
inline constexpr std::string_view kRolesHeader = rest::kRolesHeader;  // comma-separated
inline constexpr std::string_view kClientHeader = "X-Auth-Client-Id";
// The subject again, present only when the caller may see no more than what it owns.
inline constexpr std::string_view kOwnerHeader = rest::kOwnerHeader;

struct Identity {
  std::string subject;
  std::vector<std::string> roles;
  std::string client_id;
  // From a verified token's claims: sub, roles (an array of strings), client_id.
  static Identity from_claims(const nlohmann::json& claims);
};

// `sees_all`: false for a caller limited to what it owns (AccessRules::sees_all).
void set_identity_headers(http::Request& req, const Identity& identity, bool sees_all);

}  // namespace hexa::gateway
