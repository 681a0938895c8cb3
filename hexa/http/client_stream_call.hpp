#pragma once
// Private to hexa/http: one StreamCall of a Client (client_stream.hpp): connect, write, read
// the head under a deadline, then the body piece by piece with none. Runs on the client's I/O
// thread; close() may come from any thread.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "hexa/http/client_call.hpp"
#include "hexa/http/client_stream.hpp"

namespace hexa::http::detail {

class StreamingCall : public StreamCall, public std::enable_shared_from_this<StreamingCall> {
 public:
  StreamingCall(ClientCore& core, Endpoint to, Request req, std::chrono::milliseconds head_timeout,
                StreamHandlers handlers);
  void start();  // on the client's thread
  void close() override;

 private:
  void on_connect(boost::system::error_code ec);
  void on_write(boost::system::error_code ec, std::size_t);
  void on_head(boost::system::error_code ec, std::size_t);
  void read_body();
  void on_body(boost::system::error_code ec, std::size_t);
  void fail(Failure failure, const std::string& what, boost::system::error_code ec);
  void end();

  ClientCore& core_;
  Endpoint to_;
  Request req_;
  std::chrono::milliseconds head_timeout_;
  StreamHandlers handlers_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::response_parser<beast_http::string_body>> parser_;
  std::atomic<bool> closed_{false};
  bool done_ = false;  // on the I/O thread: no handler runs any more
};

}  // namespace hexa::http::detail
