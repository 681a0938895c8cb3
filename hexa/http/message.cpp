#include "hexa/http/message.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "hexa/model/timestamp.hpp"

namespace hexa::http {
namespace {

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

Response json_response(const Request& req, Status status, std::string body) {
  Response res{status, req.version()};
  // The charset matters: HTTPie and browsers otherwise guess, and the seeds send Korean text.
  res.set(beast_http::field::content_type, "application/json;charset=UTF-8");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(const Request& req, Status status, const std::string& message) {
  // ordered_json keeps Spring's field order, which people read in curl output.
  const nlohmann::ordered_json body = {
      {"timestamp", Timestamp::now().iso()},  // Spring Boot's shape, as Jackson writes a Date
      {"status", static_cast<int>(status)},
      {"error", std::string(beast_http::obsolete_reason(status))},
      {"message", message},
      {"path", std::string(path_of(req.target()))},
  };
  // `replace`: a malformed path or message (invalid UTF-8) must not turn an error into a throw.
  return json_response(req, status,
                       body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace hexa::http
