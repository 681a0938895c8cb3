#pragma once
// Private to hexa/gateway: a service's answer to a request for an event stream
// (Accept: text/event-stream), passed on to the client as it arrives. A stream goes on until
// either side closes it (the gateway's upstream timeout bounds its head only); any other
// answer (a 404, a 401 from the service) is gathered and passed on whole, as for any request.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hexa/http/client_stream.hpp"
#include "hexa/http/event_stream.hpp"
#include "hexa/http/message.hpp"

namespace hexa::gateway {

class StreamRelay : public std::enable_shared_from_this<StreamRelay> {
 public:
  static constexpr std::size_t kMaxWholeBody = 1024 * 1024;

  static bool is_stream(const http::Response& head);  // 2xx text/event-stream

  void set_upstream(const std::shared_ptr<http::StreamCall>& up);
  // The answer is a stream: opened towards the client with `head`. False when it cannot be.
  bool begin(const http::Responder& respond, http::Response head);
  void gather(http::Response head) { whole_ = std::move(head); }
  // A piece of the service's body; false when the client has gone (or a whole answer is too big).
  bool pass(std::string piece);
  bool streaming() const { return down_ != nullptr; }
  // The service ended the stream: so does the client's. For a whole answer: it, complete.
  void end_stream();
  http::Response whole();

 private:
  void close_upstream();

  std::mutex mutex_;                     // up_ is set by the caller, used by the client's end
  std::weak_ptr<http::StreamCall> up_;   // weak: the call holds this relay in its handlers
  bool client_gone_ = false;             // before the upstream was set
  std::shared_ptr<http::EventStream> down_;
  std::optional<http::Response> whole_;
};

}  // namespace hexa::gateway
