#pragma once
// Requests served, per method, route and status: http_server_requests_seconds (a histogram, as
// Spring Boot's actuator names it; its _count is the number of requests). `uri` is the route's
// pattern ("/contracts/{id}"), never the raw path, so the label set stays bounded.
#include <chrono>
#include <string>

#include "hexa/http/message.hpp"
#include "hexa/runtime/metrics.hpp"
#include "hexa/runtime/router.hpp"

namespace hexa {

void record_request(Metrics& metrics, std::string_view method, const std::string& uri, int status,
                    std::chrono::steady_clock::duration took);

// The matched route's pattern ("/contracts/{id}"); NOT_FOUND when none matched.
std::string uri_label(const Router::Match& match);

// The scrape's answer: the metrics in the text format, version 0.0.4.
http::Response metrics_response(const http::Request& req, const Metrics& metrics);

// `respond`, recording the request when the answer is sent.
http::Responder timed(Metrics& metrics, const http::Request& req, std::string uri, http::Responder respond);

}  // namespace hexa
