#pragma once
// Private to hexa/http: one Client call (connect or reuse, write, read, maybe one retry),
// and what the calls of one Client share. Everything here runs on the client's I/O thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include "hexa/http/client.hpp"
#include "hexa/http/client_pool.hpp"

namespace hexa::http::detail {

class Call;
class StreamingCall;

inline constexpr std::uint64_t kMaxResponseBody = 64ull * 1024 * 1024;

// What every call sends: HTTP/1.1, keep-alive, Content-Length, and Host unless the caller set
// one (a gateway forwards the client's own); no Expect, the body goes right behind the head.
void prepare_request(Request& req, const std::string& host);

// Whether an idle keep-alive connection still looks open: one the server has closed shows
// end-of-stream (or stray bytes) at once, a healthy one would block. Checking first saves a
// failed round trip and a retry.
bool looks_open(int fd);

struct ClientCore {
  explicit ClientCore(const ClientOptions& o)
      : options(o), ioc(1), pool(o.max_idle_per_endpoint) {}
  void shut_down();  // closes idle connections and ends the calls in progress

  ClientOptions options;
  boost::asio::io_context ioc;  // before the pool: its sockets must go first
  ConnectionPool pool;
  std::unordered_map<const Call*, std::weak_ptr<Call>> active;
  std::unordered_map<const StreamingCall*, std::weak_ptr<StreamingCall>> streams;  // client_stream_call.hpp
  bool closing = false;
};

class Call : public std::enable_shared_from_this<Call> {
 public:
  using Clock = std::chrono::steady_clock;
  Call(ClientCore& core, Endpoint to, Request req, Clock::time_point deadline,
       std::function<void(Reply)> done);
  void start();
  void abort();

 private:
  void connect();
  void on_resolve(boost::system::error_code ec, boost::asio::ip::tcp::resolver::results_type r);
  void on_connect(boost::system::error_code ec);
  void write();
  void on_write(boost::system::error_code ec, std::size_t);
  void read();
  void on_read(boost::system::error_code ec, std::size_t);
  bool may_retry() const;
  void retry();
  void succeed();
  void fail(Failure failure, const std::string& what, boost::system::error_code ec);
  void complete(Reply reply);

  ClientCore& core_;
  Endpoint to_;
  std::string key_;
  Request req_;
  Clock::time_point deadline_;
  std::function<void(Reply)> done_;
  boost::asio::ip::tcp::resolver resolver_;
  std::unique_ptr<Connection> conn_;
  std::optional<beast_http::response_parser<beast_http::string_body>> parser_;
  bool reused_ = false;
  bool retried_ = false;
};

}  // namespace hexa::http::detail
