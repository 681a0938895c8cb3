#include "hexa/runtime/request_metrics.hpp"

namespace hexa {

void record_request(Metrics& metrics, std::string_view method, const std::string& uri, int status,
                    std::chrono::steady_clock::duration took) {
  const std::string outcome = status >= 500 ? "SERVER_ERROR" : status >= 400 ? "CLIENT_ERROR" : "SUCCESS";
  metrics
      .histogram("http_server_requests_seconds",
                 {{"method", std::string(method)}, {"uri", uri}, {"status", std::to_string(status)}, {"outcome", outcome}},
                 "requests answered, by method, route and status, and how long they took")
      .observe(std::chrono::duration<double>(took).count());
}

std::string uri_label(const Router::Match& match) {
  if (!match.route) return "NOT_FOUND";
  std::string uri;
  for (const auto& segment : match.route->segments) uri += "/" + segment;
  return uri.empty() ? "/" : uri;
}

http::Response metrics_response(const http::Request& req, const Metrics& metrics) {
  auto res = http::json_response(req, http::Status::ok, metrics.render());
  res.set(http::beast_http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  return res;
}

// A stream is counted when its head goes out (its duration is the time to open it).
http::Responder timed(Metrics& metrics, const http::Request& req, std::string uri, http::Responder respond) {
  auto record = [&metrics, method = std::string(req.method_string()), uri = std::move(uri),
                 started = std::chrono::steady_clock::now()](const http::Response& res) {
    record_request(metrics, method, uri, res.result_int(), std::chrono::steady_clock::now() - started);
  };
  return {[record, respond](http::Response res) {
            record(res);
            respond(std::move(res));
          },
          [record, respond](http::Response head) {
            record(head);
            return respond.stream(std::move(head));
          }};
}

}  // namespace hexa
