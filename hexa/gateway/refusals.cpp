#include "hexa/gateway/refusals.hpp"

#include <algorithm>

namespace hexa::gateway {
namespace {

using Field = http::beast_http::field;

// A quoted-string of RFC 9110: our descriptions hold no quote or backslash, but be sure.
std::string quoted(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '"' || c == '\\'; }, '\'');
  return "\"" + text + "\"";
}

}  // namespace

http::Response unauthorized(const http::Request& head, const std::string& realm, const AuthResult& result) {
  const bool given = result.kind == AuthResult::Kind::Invalid;
  auto res = http::error_response(head, http::Status::unauthorized,
                                  given ? "invalid token: " + result.why : "a Bearer token is required");
  std::string challenge = "Bearer realm=" + quoted(realm);
  if (given) challenge += ", error=\"invalid_token\", error_description=" + quoted(result.why);
  res.set(Field::www_authenticate, challenge);
  return res;
}

http::Response forbidden(const http::Request& head, const std::string& realm) {
  auto res = http::error_response(head, http::Status::forbidden,
                                  "your roles do not allow " + std::string(head.method_string()) + " here");
  res.set(Field::www_authenticate, "Bearer realm=" + quoted(realm) + ", error=\"insufficient_scope\"");
  return res;
}

http::Response too_many_requests(const http::Request& head, std::chrono::milliseconds retry_after) {
  auto res = http::error_response(head, http::Status::too_many_requests, "rate limit exceeded, retry later");
  const auto seconds = std::max<std::int64_t>(1, (retry_after.count() + 999) / 1000);
  res.set(Field::retry_after, std::to_string(seconds));
  return res;
}

http::Response keys_unavailable(const http::Request& head, const std::string& why) {
  auto res = http::error_response(head, http::Status::service_unavailable, "cannot check tokens now: " + why);
  res.set(Field::retry_after, "1");
  return res;
}

http::Response service_unavailable(const http::Request& head, const std::string& service, const std::string& why) {
  auto res = http::error_response(head, http::Status::service_unavailable,
                                  "service " + service + " is unavailable" + (why.empty() ? "" : ": " + why));
  res.set(Field::retry_after, "1");
  return res;
}

}  // namespace hexa::gateway
