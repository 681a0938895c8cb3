#include "hexa/http/client_stream_call.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>

namespace hexa::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

StreamingCall::StreamingCall(ClientCore& core, Endpoint to, Request req, std::chrono::milliseconds head_timeout,
                             StreamHandlers handlers)
    : core_(core),
      to_(std::move(to)),
      req_(std::move(req)),
      head_timeout_(head_timeout),
      handlers_(std::move(handlers)),
      stream_(core.ioc) {}

void StreamingCall::start() {
  if (core_.closing || closed_) return fail(Failure::Refused, "client is shutting down", {});
  core_.streams.emplace(this, weak_from_this());
  req_.version(11);
  if (req_.find(beast_http::field::host) == req_.end()) req_.set(beast_http::field::host, to_.str());
  req_.keep_alive(false);  // its own connection, which ends with the stream
  req_.prepare_payload();
  boost::system::error_code ec;
  const auto address = net::ip::make_address(to_.host, ec);
  if (ec) return fail(Failure::Refused, "a stream needs an IP address, not " + to_.host, {});
  stream_.expires_after(std::min(head_timeout_, core_.options.connect_timeout));
  stream_.async_connect(tcp::endpoint(address, to_.port),
                        beast::bind_front_handler(&StreamingCall::on_connect, shared_from_this()));
}

void StreamingCall::close() {
  if (closed_.exchange(true)) return;
  net::post(core_.ioc, [self = shared_from_this()] {
    self->done_ = true;
    self->core_.streams.erase(self.get());
    self->handlers_ = {};  // what they hold (the caller's side of the relay) goes now
    self->stream_.close();
  });
}

void StreamingCall::on_connect(boost::system::error_code ec) {
  if (ec) return fail(Failure::Refused, "cannot connect to " + to_.str(), ec);
  stream_.socket().set_option(tcp::no_delay(true), ec);
  stream_.expires_after(head_timeout_);
  beast_http::async_write(stream_, req_, beast::bind_front_handler(&StreamingCall::on_write, shared_from_this()));
}

void StreamingCall::on_write(boost::system::error_code ec, std::size_t) {
  if (ec == beast::error::timeout) return fail(Failure::Timeout, "no answer from " + to_.str(), ec);
  if (ec) return fail(Failure::Broken, "sending to " + to_.str(), ec);
  parser_.emplace();
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());  // a stream has no end to wait for
  beast_http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&StreamingCall::on_head, shared_from_this()));
}

void StreamingCall::on_head(boost::system::error_code ec, std::size_t) {
  if (ec == beast::error::timeout) return fail(Failure::Timeout, "no answer from " + to_.str(), ec);
  if (ec) return fail(Failure::Broken, "reading the answer of " + to_.str(), ec);
  if (done_) return;
  stream_.expires_never();
  Reply head;
  head.response.base() = parser_->get().base();
  if (!handlers_.on_head(std::move(head))) return close();
  read_body();
}

void StreamingCall::read_body() {
  if (done_) return;
  if (parser_->is_done()) return end();
  beast_http::async_read_some(stream_, buffer_, *parser_,
                              beast::bind_front_handler(&StreamingCall::on_body, shared_from_this()));
}

void StreamingCall::on_body(boost::system::error_code ec, std::size_t) {
  if (done_) return;
  auto& body = parser_->get().body();
  if (!body.empty()) {
    std::string piece;
    piece.swap(body);
    if (!handlers_.on_body(std::move(piece))) return close();
  }
  if (ec) return end();  // closed or broken: either way, the stream is over
  read_body();
}

void StreamingCall::fail(Failure failure, const std::string& what, boost::system::error_code ec) {
  if (done_) return;
  done_ = true;
  core_.streams.erase(this);
  Reply reply;
  reply.failure = failure;
  reply.error = ec ? what + ": " + ec.message() : what;
  stream_.close();
  const auto on_head = std::move(handlers_.on_head);
  handlers_ = {};
  on_head(std::move(reply));
}

void StreamingCall::end() {
  if (done_) return;
  done_ = true;
  core_.streams.erase(this);
  stream_.close();
  const auto on_end = std::move(handlers_.on_end);
  handlers_ = {};
  if (on_end) on_end();
}

}  // namespace hexa::http::detail
