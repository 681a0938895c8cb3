#pragma once
// Private to hexa/http: one connection of a Server. Reads one request, hands it to the
// dispatch, writes the answer, and only then reads the next (pipelined requests stay in order).
// An answer may be a stream instead (event_stream.hpp): then the connection writes what the
// handler sends until either side closes it, and reads nothing more.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "hexa/http/server_core.hpp"
#include "hexa/http/server_stream.hpp"

namespace hexa::http::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket);
  ~Session();

  void start();
  void deliver(Response res);  // any thread; a no-op once the connection is gone
  // Any thread: answers with `head` and returns the stream of the body that follows.
  std::shared_ptr<EventStream> open_stream(Response head);
  void post_stream_bytes(std::string bytes);  // any thread; by the stream
  void post_stream_end();                      // any thread; closes once what is queued is written
  void post_drain();           // stop(): close now unless a request is in flight
  void post_close();           // stop(), grace over: close whatever the state

 private:
  enum class Phase { Reading, Handling, Writing, Streaming, Closing, Closed };

  void drain();
  void close();

  void read_request();
  void read_more();
  void on_read(boost::beast::error_code ec, std::size_t n);
  void continue_request();
  bool parse(boost::beast::error_code& ec);
  void answer_expect_continue();
  void reject(boost::beast::error_code ec);
  void refuse(const Request& head, Status status, const std::string& message);
  void handle_request();
  void write(Response res);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t);
  void finish_write(bool keep_alive, boost::beast::error_code ec, bool synchronous);
  void linger_close();
  void start_stream(Response head, const std::shared_ptr<ConnectionStream>& stream);
  void queue_stream_bytes(std::string bytes);
  void end_stream();
  void write_stream();
  void on_stream_write(boost::beast::error_code ec, std::size_t);
  void on_stream_read(boost::beast::error_code ec, std::size_t n);
  void on_linger(boost::beast::error_code ec, std::size_t);

  std::shared_ptr<ServerCore> core_;  // first: outlives the stream below
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  Response res_;
  std::optional<beast_http::response_serializer<beast_http::string_body>> serializer_;
  Peer peer_;
  Phase phase_ = Phase::Reading;
  bool first_request_ = true;
  bool awaiting_first_byte_ = false;  // the deadline running is the idle one
  unsigned request_version_ = 11;
  bool request_keep_alive_ = true;
  bool request_is_head_ = false;
  bool continue_sent_ = false;
  // While streaming: the stream, what waits to be written (front: being written), its size.
  std::shared_ptr<ConnectionStream> stream_out_;
  std::deque<std::string> queued_;
  std::size_t queued_bytes_ = 0;
  bool close_when_written_ = false;
};

}  // namespace hexa::http::detail
