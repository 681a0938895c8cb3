#include "hexa/gateway/access_log.hpp"

#include <spdlog/spdlog.h>

namespace hexa::gateway {
namespace {

// A log line is one line: nothing a client sent may break it or fake another field.
std::string printable(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x21 || c == '"' || c == 0x7f) c = '?';
  return out;
}

std::string_view or_dash(const std::string& text) { return text.empty() ? std::string_view("-") : text; }

}  // namespace

void log_access(const AccessRecord& r, const http::Request& head, const http::Response& res) {
  const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r.started);
  const auto subject = printable(r.subject);
  spdlog::info("access {} \"{} {}\" {} {}B {:.1f}ms rid={} sub={} upstream={}", r.peer,
               std::string_view(head.method_string()), printable(head.target()), res.result_int(),
               res.body().size(), took.count(), or_dash(r.request_id), or_dash(subject),
               or_dash(r.upstream));
}

}  // namespace hexa::gateway
