#pragma once
// A response whose body is sent as things happen: server-sent events (text/event-stream,
// https://html.spec.whatwg.org/multipage/server-sent-events.html). A handler answers with
// `respond.stream(event_stream_head(req))` instead of a whole response: the server writes the
// head without Content-Length (the body ends when the connection closes, RFC 9112 6.3) and
// then whatever is sent, in order, until the client leaves, the handler closes it, or the
// server stops (a graceful stop ends streams at once: they never finish by themselves).
// A client that does not read is dropped once kMaxQueued bytes wait for it.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "hexa/http/message.hpp"

namespace hexa::http {

class EventStream {
 public:
  static constexpr std::size_t kMaxQueued = 1024 * 1024;

  virtual ~EventStream() = default;
  // Queues bytes for the client; any thread. False once the stream has ended: drop it then.
  virtual bool send(std::string bytes) = 0;
  virtual bool open() const = 0;
  virtual void close() = 0;  // any thread; ends the stream, and its connection, after what was sent
  // `f` runs once when the stream ends, whoever ends it (at once when it has ended already),
  // on whichever thread noticed; it must not block.
  virtual void on_close(std::function<void()> f) = 0;
};

// 200, Content-Type: text/event-stream, Cache-Control: no-cache, keep-alive off (the stream
// is the connection's last answer), and the request's version.
Response event_stream_head(const Request& req);

// "event: <event>\ndata: <line>\n...\n\n": one event; each line of `data` its own data field.
std::string sse_event(std::string_view event, std::string_view data);
// ": <text>\n\n": a comment, which clients ignore; keeps idle connections (and proxies) open.
std::string sse_comment(std::string_view text);

// Whether the client asked for an event stream (Accept: text/event-stream).
bool accepts_event_stream(const Request& req);

}  // namespace hexa::http
