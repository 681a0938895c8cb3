#include "hexa/rest/caller.hpp"

#include <algorithm>

#include "hexa/config/split_list.hpp"

namespace hexa::rest {

Caller Caller::of(const http::Request& req) {
  const auto gateway = req.find(kGatewayHeader);
  if (gateway == req.end()) return {};
  // Anything but "open" is taken as the stricter reading.
  if (gateway->value() == "open") return {Via::OpenGateway, {}};
  const auto roles = req.find(kRolesHeader);
  return {Via::SecureGateway, roles == req.end() ? std::vector<std::string>{} : split_list(roles->value())};
}

bool Caller::may_act_as(const std::vector<std::string>& wanted) const {
  if (via != Via::SecureGateway || wanted.empty()) return true;
  return std::any_of(wanted.begin(), wanted.end(), [this](const std::string& w) {
    return std::find(roles.begin(), roles.end(), w) != roles.end();
  });
}

}  // namespace hexa::rest
