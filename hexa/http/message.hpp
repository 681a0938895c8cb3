#pragma once
// HTTP messages: Beast's types, used by the framework's HTTP adapters only.
#include <boost/beast/http.hpp>
#include <functional>
#include <string>

namespace hexa::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;
using Status = beast_http::status;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

// Hands a response back to the connection; callable from any thread, exactly once.
using Responder = std::function<void(Response)>;

// RFC 9110 9.2.2: sending such a request twice has the effect of sending it once, so it may be
// sent again when it is unknown whether the first one arrived. POST and PATCH are not.
inline bool is_idempotent(Verb method) {
  return method == Verb::get || method == Verb::head || method == Verb::options || method == Verb::put ||
         method == Verb::delete_ || method == Verb::trace;
}

// A JSON response with status, keep-alive copied from the request.
Response json_response(const Request& req, Status status, std::string body);

}  // namespace hexa::http

namespace hexa::http {
// Spring Boot's error JSON: {"timestamp","status","error","message","path"}.
Response error_response(const Request& req, Status status, const std::string& message);
}  // namespace hexa::http
