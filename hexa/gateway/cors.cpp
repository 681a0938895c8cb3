#include "hexa/gateway/cors.hpp"

#include <algorithm>

#include "hexa/gateway/list.hpp"

namespace hexa::gateway {
namespace {

using Field = http::beast_http::field;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

Cors::Cors(const Config& config)
    : origins_(split_list(config.get("cors.allowed-origins", "*"))),
      methods_(split_list(config.get("cors.allowed-methods", "GET,HEAD,POST"))),
      methods_text_(join(methods_)),
      headers_(config.get("cors.allowed-headers", "*")),
      max_age_(std::to_string(config.get_int("cors.max-age", 1800))) {}

bool Cors::is_preflight(const http::Request& req) {
  return req.method() == http::Verb::options && req.count(Field::origin) > 0 &&
         req.count(Field::access_control_request_method) > 0;
}

std::string Cors::allowed_origin(std::string_view origin) const {
  if (contains(origins_, "*")) return "*";
  return contains(origins_, origin) ? std::string(origin) : std::string();
}

bool Cors::method_allowed(std::string_view method) const {
  return contains(methods_, "*") || contains(methods_, method);
}

http::Response Cors::preflight(const http::Request& req) const {
  const auto origin = allowed_origin(req[Field::origin]);
  if (origin.empty() || !method_allowed(req[Field::access_control_request_method]))
    return http::error_response(req, http::Status::forbidden, "Invalid CORS request");
  http::Response res{http::Status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(Field::access_control_allow_origin, origin);
  res.set(Field::access_control_allow_methods, methods_text_);
  const auto asked = req[Field::access_control_request_headers];
  if (headers_ != "*") res.set(Field::access_control_allow_headers, headers_);
  else if (!asked.empty()) res.set(Field::access_control_allow_headers, asked);
  res.set(Field::access_control_max_age, max_age_);
  res.set(Field::vary, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  return res;
}

void Cors::decorate(const http::Request& req, http::Response& res) const {
  const auto it = req.find(Field::origin);
  if (it == req.end()) return;
  const auto origin = allowed_origin(it->value());
  if (origin.empty()) return;
  res.set(Field::access_control_allow_origin, origin);
  if (origin == "*") return;
  const auto vary = res[Field::vary];  // the answer depends on Origin, and on what it already said
  res.set(Field::vary, vary.empty() ? std::string("Origin") : std::string(vary) + ", Origin");
}

}  // namespace hexa::gateway
