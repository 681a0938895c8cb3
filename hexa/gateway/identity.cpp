#include "hexa/gateway/identity.hpp"

namespace hexa::gateway {
namespace {

std::string text_claim(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Claims come from a signed token, but a header value must never carry a line break.
std::string header_safe(std::string value) {
  for (auto& c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return value;
}

}  // namespace

Identity Identity::from_claims(const nlohmann::json& claims) {
  Identity id{text_claim(claims, "sub"), {}, text_claim(claims, "client_id")};
  if (const auto roles = claims.find("roles"); roles != claims.end() && roles->is_array()) {
    for (const auto& r : *roles)
      if (r.is_string()) id.roles.push_back(r.get<std::string>());
  }
  return id;
}

void set_identity_headers(http::Request& req, const Identity& identity, bool sees_all) {
  std::string roles;
  for (const auto& r : identity.roles) roles += (roles.empty() ? "" : ",") + r;
  req.set(kSubjectHeader, header_safe(identity.subject));
  req.set(kRolesHeader, header_safe(roles));
  if (!identity.client_id.empty()) req.set(kClientHeader, header_safe(identity.client_id));
  if (!sees_all) req.set(kOwnerHeader, header_safe(identity.subject));
}

}  // namespace hexa::gateway
