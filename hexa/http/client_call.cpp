#include "hexa/http/client_call.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "hexa/http/client_stream_call.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

namespace hexa::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

bool looks_open(int fd) {
  char byte;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void prepare_request(Request& req, const std::string& host) {
  req.version(11);
  if (req.find(beast_http::field::host) == req.end()) req.set(beast_http::field::host, host);
  req.keep_alive(true);
  req.erase(beast_http::field::expect);
  req.prepare_payload();
}

void ClientCore::shut_down() {
  closing = true;
  pool.clear();
  std::vector<std::shared_ptr<Call>> calls;
  for (const auto& [key, weak] : active)
    if (auto c = weak.lock()) calls.push_back(std::move(c));
  for (const auto& c : calls) c->abort();  // each then completes through its own handler
  std::vector<std::shared_ptr<StreamingCall>> relays;
  for (const auto& [key, weak] : streams)
    if (auto s = weak.lock()) relays.push_back(std::move(s));
  for (const auto& s : relays) s->close();
}

Call::Call(ClientCore& core, Endpoint to, Request req, Clock::time_point deadline,
           std::function<void(Reply)> done)
    : core_(core),
      to_(std::move(to)),
      key_(to_.str()),
      req_(std::move(req)),
      deadline_(deadline),
      done_(std::move(done)),
      resolver_(core.ioc) {}

void Call::start() {
  if (core_.closing) return fail(Failure::Refused, "client is shutting down", {});
  core_.active.emplace(this, weak_from_this());
  prepare_request(req_, key_);
  if ((conn_ = core_.pool.take(key_))) {
    reused_ = true;
    return write();
  }
  connect();
}

void Call::abort() {
  resolver_.cancel();
  if (conn_) conn_->stream.close();
}

void Call::connect() {
  reused_ = false;
  conn_ = std::make_unique<Connection>(core_.ioc);
  conn_->stream.expires_at(std::min(deadline_, Clock::now() + core_.options.connect_timeout));
  boost::system::error_code ec;
  const auto address = net::ip::make_address(to_.host, ec);
  if (!ec) {
    return conn_->stream.async_connect(
        tcp::endpoint(address, to_.port),
        beast::bind_front_handler(&Call::on_connect, shared_from_this()));
  }
  resolver_.async_resolve(to_.host, std::to_string(to_.port),
                          beast::bind_front_handler(&Call::on_resolve, shared_from_this()));
}

void Call::on_resolve(boost::system::error_code ec, tcp::resolver::results_type results) {
  if (ec) return fail(Failure::Refused, "cannot resolve " + to_.host, ec);
  conn_->stream.async_connect(results, [self = shared_from_this()](auto e, const auto&) {
    self->on_connect(e);
  });
}

// Failing to connect, even for want of time, is Refused: the request was never sent.
void Call::on_connect(boost::system::error_code ec) {
  if (ec) return fail(Failure::Refused, "cannot connect to " + key_, ec);
  conn_->stream.socket().set_option(tcp::no_delay(true), ec);
  write();
}

void Call::write() {
  conn_->stream.expires_at(deadline_);
  beast_http::async_write(conn_->stream, req_,
                          beast::bind_front_handler(&Call::on_write, shared_from_this()));
}

void Call::on_write(boost::system::error_code ec, std::size_t) {
  if (ec == beast::error::timeout) return fail(Failure::Timeout, "no answer from " + key_, ec);
  if (ec && may_retry()) return retry();
  if (ec) return fail(Failure::Broken, "sending to " + key_, ec);
  read();
}

void Call::read() {
  parser_.emplace();
  parser_->body_limit(kMaxResponseBody);
  if (req_.method() == Verb::head) parser_->skip(true);  // Content-Length without a body
  beast_http::async_read(conn_->stream, conn_->buffer, *parser_,
                         beast::bind_front_handler(&Call::on_read, shared_from_this()));
}

void Call::on_read(boost::system::error_code ec, std::size_t) {
  if (ec == beast::error::timeout) return fail(Failure::Timeout, "no answer from " + key_, ec);
  // Not one byte of answer on a reused connection: the server had most likely closed it while
  // it sat idle, before our request could reach it. Most likely is not surely (it may have
  // read the request and died): so only a request that may arrive twice is sent again.
  if (ec && !parser_->got_some() && may_retry() && is_idempotent(req_.method())) return retry();
  if (ec) return fail(Failure::Broken, "reading the answer of " + key_, ec);
  if (parser_->get().result_int() / 100 == 1) return read();  // interim (100 Continue): the real one follows
  succeed();
}

bool Call::may_retry() const { return reused_ && !retried_ && !core_.closing; }

void Call::retry() {
  retried_ = true;
  conn_.reset();
  parser_.reset();
  connect();
}

void Call::succeed() {
  Reply reply;
  reply.response = parser_->release();
  if (!reply.response.need_eof() && conn_->buffer.size() == 0) {
    conn_->stream.expires_never();
    core_.pool.put(key_, std::move(conn_));
  }
  complete(std::move(reply));
}

void Call::fail(Failure failure, const std::string& what, boost::system::error_code ec) {
  Reply reply;
  reply.failure = failure;
  reply.error = ec ? what + ": " + ec.message() : what;
  conn_.reset();
  complete(std::move(reply));
}

void Call::complete(Reply reply) {
  core_.active.erase(this);
  if (!done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  try {
    done(std::move(reply));
  } catch (const std::exception& e) {  // it runs on the client's thread: keep that alive
    spdlog::error("http client: completion handler threw: {}", e.what());
  }
}

}  // namespace hexa::http::detail
