#pragma once
// Private to hexa/gateway: CORS at the door, so browsers can call every service through it.
#include <string>
#include <string_view>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/http/message.hpp"

namespace hexa::gateway {

class Cors {
 public:
  // cors.allowed-origins ("*" or a list), cors.allowed-methods, cors.allowed-headers ("*":
  // whatever the browser asks for), cors.max-age (seconds).
  explicit Cors(const Config& config);

  static bool is_preflight(const http::Request& req);
  http::Response preflight(const http::Request& req) const;  // 204, or 403 when not allowed
  // Adds Access-Control-Allow-Origin to an answer when the request came with an allowed Origin.
  void decorate(const http::Request& req, http::Response& res) const;

 private:
  std::string allowed_origin(std::string_view origin) const;  // "" when not allowed
  bool method_allowed(std::string_view method) const;

  std::vector<std::string> origins_;
  std::vector<std::string> methods_;
  std::string methods_text_;
  std::string headers_;
  std::string max_age_;
};

}  // namespace hexa::gateway
