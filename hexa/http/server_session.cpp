#include "hexa/http/server_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>
#include <utility>

#include "hexa/http/server_exchange.hpp"
#include "hexa/http/syntax.hpp"

namespace hexa::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
// Longest wait for the client to finish sending after we closed our side.
constexpr std::chrono::milliseconds kLingerCap{2000};

// Makes a handler's response fit the request it answers.
void finalize(Response& res, unsigned version, bool keep_alive, bool head) {
  res.version(version);
  res.keep_alive(keep_alive);
  const auto code = res.result_int();
  const bool bodiless = code / 100 == 1 || code == 204 || code == 304;
  if (!bodiless && !res.has_content_length() && !res.chunked()) res.prepare_payload();
  if (head) res.body().clear();  // Content-Length stays: it describes what GET would send
}

Status rejection_status(beast::error_code ec) {
  if (ec == beast_http::error::body_limit) return Status::payload_too_large;
  if (ec == beast_http::error::header_limit) return Status::request_header_fields_too_large;
  return Status::bad_request;
}

}  // namespace

Session::Session(std::shared_ptr<ServerCore> core, tcp::socket socket)
    : core_(std::move(core)), stream_(std::move(socket)) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = Peer{remote.address().to_string(), remote.port()};
}

Session::~Session() {
  if (stream_out_) stream_out_->ended();
  core_->remove(this);
}

void Session::start() {
  core_->add(shared_from_this());
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);  // answers go out in one write anyway
  stream_.socket().non_blocking(true, ec);  // for the direct write in write()
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::read_request, shared_from_this()));
}

void Session::deliver(Response res) {
  core_->submit(stream_.get_executor(), [self = shared_from_this(), res = std::move(res)]() mutable {
    self->write(std::move(res));
  });
}

std::shared_ptr<EventStream> Session::open_stream(Response head) {
  auto stream = std::make_shared<ConnectionStream>(weak_from_this());
  core_->submit(stream_.get_executor(), [self = shared_from_this(), head = std::move(head), stream]() mutable {
    self->start_stream(std::move(head), stream);
  });
  return stream;
}

void Session::post_stream_bytes(std::string bytes) {
  core_->submit(stream_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
    self->queue_stream_bytes(std::move(bytes));
  });
}

void Session::post_stream_end() {
  core_->submit(stream_.get_executor(), [self = shared_from_this()] { self->end_stream(); });
}

void Session::post_drain() {
  net::post(stream_.get_executor(), beast::bind_front_handler(&Session::drain, shared_from_this()));
}

void Session::post_close() {
  net::post(stream_.get_executor(), beast::bind_front_handler(&Session::close, shared_from_this()));
}

void Session::drain() {
  // No request in flight: nothing to finish. A stream never finishes: it ends here.
  if (phase_ == Phase::Reading || phase_ == Phase::Streaming) close();
}

void Session::close() {
  if (phase_ == Phase::Closed) return;
  phase_ = Phase::Closed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  if (const auto stream = std::exchange(stream_out_, nullptr)) stream->ended();
}

void Session::read_request() {
  if (core_->draining()) return close();
  phase_ = Phase::Reading;
  parser_.emplace();
  parser_->body_limit(core_->options.body_limit);
  parser_->eager(true);  // parse header and body in one go when both are buffered
  continue_sent_ = false;
  // A new connection gets read_timeout from the accept (opening connections and sending
  // nothing holds nothing); between keep-alive requests the idle timeout applies until the
  // next request's first byte.
  const bool buffered = buffer_.size() > 0;
  awaiting_first_byte_ = !first_request_ && !buffered;
  first_request_ = false;
  stream_.expires_after(awaiting_first_byte_ ? core_->options.idle_timeout
                                             : core_->options.read_timeout);
  if (buffered) return continue_request();
  read_more();
}

void Session::read_more() {
  const auto size = beast::read_size(buffer_, kReadChunk);
  stream_.async_read_some(buffer_.prepare(size),
                          beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code ec, std::size_t n) {
  if (ec) return close();  // timeout, reset, or end of stream: nothing to answer
  buffer_.commit(n);
  if (awaiting_first_byte_) {
    awaiting_first_byte_ = false;
    stream_.expires_after(core_->options.read_timeout);
  }
  continue_request();
}

void Session::continue_request() {
  beast::error_code ec;
  if (!parse(ec)) {
    answer_expect_continue();
    return read_more();
  }
  if (ec) return reject(ec);
  handle_request();
}

// curl and others send "Expect: 100-continue" and hold the body back (for a second) until
// told to go on.
void Session::answer_expect_continue() {
  if (continue_sent_ || !parser_->is_header_done()) return;
  const auto& req = parser_->get();
  if (req.version() < 11 || !beast::iequals(req[beast_http::field::expect], "100-continue")) return;
  continue_sent_ = true;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  beast::error_code ec;  // the send buffer is empty between requests: these few bytes fit
  net::write(stream_.socket(), net::buffer(kContinue), ec);
}

// Feeds the buffered bytes to the parser: false while it needs more, true when the request is
// complete or malformed (then `ec` says why).
bool Session::parse(beast::error_code& ec) {
  while (buffer_.size() > 0 && !parser_->is_done()) {
    const auto used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == beast_http::error::need_more) {
      ec = {};
      return false;
    }
    if (ec) return true;
    if (used == 0) return false;
  }
  return parser_->is_done();
}

void Session::reject(beast::error_code ec) {
  // The request line may have been read even when the header was not (or was too long).
  Request head{Verb::get, parser_->get().target(), 11};
  head.keep_alive(false);
  const Status status = rejection_status(ec);
  const std::string message =
      status == Status::payload_too_large
          ? "request body exceeds " + std::to_string(core_->options.body_limit) + " bytes"
          : "malformed request: " + ec.message();
  refuse(head, status, message);
}

// Answered here, never handed to the dispatch; the connection closes after the answer.
void Session::refuse(const Request& head, Status status, const std::string& message) {
  phase_ = Phase::Handling;
  request_version_ = 11;
  request_keep_alive_ = false;
  request_is_head_ = false;
  core_->request_started();
  write(error_response(head, status, message));
}

void Session::handle_request() {
  phase_ = Phase::Handling;
  Request req = parser_->release();
  if (const auto problem = host_header_problem(req)) {
    Request head{req.method(), req.target(), 11};
    head.keep_alive(false);
    return refuse(head, Status::bad_request, "malformed request: " + *problem);
  }
  request_version_ = req.version();
  request_keep_alive_ = req.keep_alive();
  request_is_head_ = req.method() == Verb::head;
  core_->request_started();
  auto exchange = std::make_shared<Exchange>(shared_from_this(), req);
  try {
    core_->dispatch(std::move(req), peer_,
                    Responder{[exchange](Response res) { exchange->answer(std::move(res)); },
                              [exchange](Response head) { return exchange->stream(std::move(head)); }});
  } catch (const std::exception& e) {
    exchange->fail(std::string("handler threw: ") + e.what());
  }
}

void Session::write(Response res) {
  if (phase_ != Phase::Handling) {  // the connection was closed while the handler worked
    core_->request_finished();
    return;
  }
  phase_ = Phase::Writing;
  res_ = std::move(res);
  const bool keep_alive = request_keep_alive_ && res_.keep_alive() && !core_->draining();
  finalize(res_, request_version_, keep_alive, request_is_head_);
  serializer_.emplace(res_);
  // Most answers fit in the socket's send buffer: written now (the socket is non-blocking),
  // they cost one system call and no asynchronous round trip. Only the rest waits, under a
  // deadline, since a client that does not take its answer must not hold the connection.
  beast::error_code ec;
  beast_http::write(stream_.socket(), *serializer_, ec);
  if (ec == net::error::would_block || ec == net::error::try_again) {
    stream_.expires_after(core_->options.read_timeout);
    return beast_http::async_write(
        stream_, *serializer_,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
  }
  finish_write(keep_alive, ec, true);
}

void Session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  finish_write(keep_alive, ec, false);
}

void Session::finish_write(bool keep_alive, beast::error_code ec, bool synchronous) {
  core_->request_finished();
  if (ec) return close();
  if (!keep_alive) return linger_close();
  // A pipelined request already buffered would be handled inside this call, and the next
  // inside that one: go through the queue to keep the stack flat.
  if (synchronous && buffer_.size() > 0) {
    return net::post(stream_.get_executor(),
                     beast::bind_front_handler(&Session::read_request, shared_from_this()));
  }
  read_request();
}

// Closes our side, then reads and drops what the client still sends until it closes too:
// closing with unread input sends a reset, which can destroy the answer (say, a 413) before
// the client has read it.
void Session::linger_close() {
  phase_ = Phase::Closing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::min<std::chrono::milliseconds>(core_->options.read_timeout, kLingerCap));
  buffer_.clear();
  on_linger({}, 0);
}

void Session::on_linger(beast::error_code ec, std::size_t) {
  if (ec || phase_ != Phase::Closing) return close();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

}  // namespace hexa::http::detail

namespace hexa::http::detail {

// ---- streaming answers (event_stream.hpp)

void Session::start_stream(Response head, const std::shared_ptr<ConnectionStream>& stream) {
  if (phase_ != Phase::Handling) {  // the connection was closed while the handler worked
    core_->request_finished();
    return stream->ended();
  }
  phase_ = Phase::Streaming;
  stream_out_ = stream;
  head.version(request_version_);
  head.keep_alive(false);  // the body ends with the connection
  head.erase(beast_http::field::content_length);
  head.chunked(false);
  std::ostringstream text;
  text << head.base();
  // Answered, as far as a graceful stop is concerned: it ends streams instead of awaiting them.
  core_->request_finished();
  close_when_written_ = request_is_head_ || core_->draining();
  stream_.expires_never();
  queue_stream_bytes(text.str());
  // The client sends nothing more; reading tells when it leaves.
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_stream_read, shared_from_this()));
}

void Session::queue_stream_bytes(std::string bytes) {
  if (phase_ != Phase::Streaming || bytes.empty()) return;
  queued_bytes_ += bytes.size();
  queued_.push_back(std::move(bytes));
  if (queued_bytes_ > EventStream::kMaxQueued) return close();  // a client that does not read
  if (queued_.size() == 1) write_stream();
}

void Session::end_stream() {
  if (phase_ != Phase::Streaming) return;
  if (queued_.empty()) return close();
  close_when_written_ = true;
}

void Session::write_stream() {
  // A write that does not finish in time ends the connection, as for whole answers.
  stream_.expires_after(core_->options.read_timeout);
  net::async_write(stream_, net::buffer(queued_.front()),
                   beast::bind_front_handler(&Session::on_stream_write, shared_from_this()));
}

void Session::on_stream_write(beast::error_code ec, std::size_t) {
  if (ec || phase_ != Phase::Streaming) return close();
  queued_bytes_ -= queued_.front().size();
  queued_.pop_front();
  if (!queued_.empty()) return write_stream();
  stream_.expires_never();
  if (close_when_written_) close();
}

void Session::on_stream_read(beast::error_code ec, std::size_t) {
  if (ec || phase_ != Phase::Streaming) return close();
  buffer_.clear();  // whatever it sends now is not a request we will answer
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_stream_read, shared_from_this()));
}

}  // namespace hexa::http::detail
