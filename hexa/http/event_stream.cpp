#include "hexa/http/event_stream.hpp"

namespace hexa::http {

Response event_stream_head(const Request& req) {
  Response head{Status::ok, req.version()};
  head.set(beast_http::field::content_type, "text/event-stream;charset=UTF-8");
  head.set(beast_http::field::cache_control, "no-cache");
  head.keep_alive(false);
  return head;
}

std::string sse_event(std::string_view event, std::string_view data) {
  std::string out = "event: " + std::string(event) + "\n";
  for (;;) {
    const auto nl = data.find('\n');
    out += "data: " + std::string(data.substr(0, nl)) + "\n";
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  return out + "\n";
}

std::string sse_comment(std::string_view text) { return ": " + std::string(text) + "\n\n"; }

bool accepts_event_stream(const Request& req) {
  const auto accept = req.find(beast_http::field::accept);
  return accept != req.end() && accept->value().find("text/event-stream") != std::string_view::npos;
}

}  // namespace hexa::http
