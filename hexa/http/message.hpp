#pragma once
// HTTP messages: Beast's types, used by the framework's HTTP adapters only.
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <type_traits>
#include <string>

namespace hexa::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;
using Status = beast_http::status;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

class EventStream;  // event_stream.hpp

// Hands a response back to the connection; callable from any thread, exactly once. Made from
// any function taking a Response; a server's responders can also answer with a stream.
class Responder {
 public:
  using Answer = std::function<void(Response)>;
  using Opener = std::function<std::shared_ptr<EventStream>(Response)>;

  Responder() = default;
  template <class F>
    requires(std::is_invocable_v<F&, Response> && !std::is_same_v<std::decay_t<F>, Responder>)
  Responder(F answer) : answer_(std::move(answer)) {}  // NOLINT: as a std::function converts
  Responder(Answer answer, Opener open) : answer_(std::move(answer)), open_(std::move(open)) {}

  void operator()(Response res) const { answer_(std::move(res)); }
  explicit operator bool() const { return static_cast<bool>(answer_); }
  // Answers with `head` (status and headers; no Content-Length, the body is what is sent
  // through the stream until it closes) instead of a whole response. Null when this responder
  // cannot stream (made from a plain function) or has answered already.
  std::shared_ptr<EventStream> stream(Response head) const { return open_ ? open_(std::move(head)) : nullptr; }

 private:
  Answer answer_;
  Opener open_;
};

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
