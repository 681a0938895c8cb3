#include "hexa/http/message.hpp"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>

namespace hexa::http {
namespace {

// Spring Boot's timestamp shape: "2024-05-01T12:34:56.789+00:00" (UTC).
std::string iso_timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t seconds = system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03d+00:00", static_cast<int>(ms));
  return text;
}

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
      {"timestamp", iso_timestamp()},
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
