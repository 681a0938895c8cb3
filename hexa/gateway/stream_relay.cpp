#include "hexa/gateway/stream_relay.hpp"

namespace hexa::gateway {

bool StreamRelay::is_stream(const http::Response& head) {
  const auto type = head.find(http::beast_http::field::content_type);
  return head.result_int() / 100 == 2 && type != head.end() && type->value().starts_with("text/event-stream");
}

void StreamRelay::set_upstream(const std::shared_ptr<http::StreamCall>& up) {
  std::lock_guard lock(mutex_);
  up_ = up;
  if (client_gone_) up->close();
}

void StreamRelay::close_upstream() {
  std::lock_guard lock(mutex_);
  client_gone_ = true;
  if (const auto up = up_.lock()) up->close();
}

bool StreamRelay::begin(const http::Responder& respond, http::Response head) {
  down_ = respond.stream(std::move(head));
  if (!down_) return false;
  // The client leaving ends the call to the service at once, not at its next heartbeat.
  down_->on_close([weak = weak_from_this()] {
    if (const auto self = weak.lock()) self->close_upstream();
  });
  return true;
}

bool StreamRelay::pass(std::string piece) {
  if (down_) return down_->send(std::move(piece));
  if (!whole_ || whole_->body().size() + piece.size() > kMaxWholeBody) return false;
  whole_->body() += piece;
  return true;
}

void StreamRelay::end_stream() {
  if (down_) down_->close();
}

http::Response StreamRelay::whole() {
  http::Response res = std::move(*whole_);
  res.erase(http::beast_http::field::transfer_encoding);  // gathered: its length is known now
  res.prepare_payload();
  return res;
}

}  // namespace hexa::gateway
