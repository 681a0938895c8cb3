#pragma once
// HTTP/1.1 client: pooled keep-alive connections per endpoint, a deadline per call, and a
// precise account of failures, because the caller must know whether the far side may have
// acted (Timeout, Broken) or certainly did not (Refused).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hexa/http/message.hpp"

namespace hexa::http {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  // "http://127.0.0.1:8082" or "127.0.0.1:8082"
  static Endpoint parse(const std::string& url);
  std::string str() const;
};

class StreamCall;       // client_stream.hpp
struct StreamHandlers;  // client_stream.hpp

enum class Failure {
  None,     // an answer arrived (any status)
  Refused,  // could not connect (also within connect_timeout): certainly not processed
  Timeout,  // no whole answer within the deadline: the far side may have acted
  Broken,   // connection lost after the request was sent: the far side may have acted
};

struct Reply {
  Failure failure = Failure::None;
  Response response;  // valid when failure == None
  std::string error;  // what went wrong, for logs
  bool answered() const { return failure == Failure::None; }
};

struct ClientOptions {
  std::size_t max_idle_per_endpoint = 64;
  std::chrono::milliseconds connect_timeout{1000};
};

class Client {
 public:
  explicit Client(ClientOptions options = {});  // runs its own I/O thread
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `req` (Host unless set, Content-Length and keep-alive are set here); `done` runs on
  // the client's I/O thread exactly once and must not block. `timeout` covers connect, write
  // and read (not the name lookup of a host name; IP addresses need none). A pooled
  // connection that fails before any byte of answer is retried once on a fresh one.
  // Destroying the Client completes the calls in progress (Refused or Broken).
  void async_send(const Endpoint& to, Request req, std::chrono::milliseconds timeout,
                  std::function<void(Reply)> done);
  // Sends `req` on a connection of its own and relays its answer as it arrives
  // (client_stream.hpp); `head_timeout` covers connect, write and the head only. The handlers
  // run on the client's I/O thread and must not block.
  std::shared_ptr<StreamCall> open_stream(const Endpoint& to, Request req, std::chrono::milliseconds head_timeout,
                                          StreamHandlers handlers);
  // Blocking form for worker threads, with the same rules: the call runs on the caller's thread,
  // over connections of its own (client_blocking.hpp). Never call it from an I/O thread.
  Reply send(const Endpoint& to, Request req, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hexa::http
