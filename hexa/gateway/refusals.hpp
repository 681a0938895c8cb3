#pragma once
// Private to hexa/gateway: the answers the gateway gives itself (security filter, rate limit,
// no instance to call), in Spring's error shape with the headers clients act on.
#include <chrono>
#include <string>

#include "hexa/gateway/authenticator.hpp"
#include "hexa/http/message.hpp"

namespace hexa::gateway {

// 401 with WWW-Authenticate: Bearer realm="...", plus error="invalid_token" and its
// description when a token was given (RFC 6750 3).
http::Response unauthorized(const http::Request& head, const std::string& realm, const AuthResult& result);
// 403: a valid token whose roles do not allow this method on this path.
http::Response forbidden(const http::Request& head, const std::string& realm);
// 429 with Retry-After in whole seconds, at least 1.
http::Response too_many_requests(const http::Request& head, std::chrono::milliseconds retry_after);
// 503 with Retry-After: 1 when the auth service's keys cannot be fetched.
http::Response keys_unavailable(const http::Request& head, const std::string& why);
// 503 with Retry-After: 1 when no instance of `service` can take the request; `why` may be empty.
http::Response service_unavailable(const http::Request& head, const std::string& service, const std::string& why);

}  // namespace hexa::gateway
