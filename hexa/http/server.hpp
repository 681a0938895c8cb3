#pragma once
// HTTP/1.1 server on Asio/Beast: a few I/O threads serve every connection (no thread per
// connection); keep-alive; requests on one connection are answered in order (pipelining-safe);
// body limit (413), header/read deadline (a slow client cannot hold anything), idle timeout;
// graceful stop that lets in-flight requests finish. A handler may answer with a stream instead
// (Responder::stream, event_stream.hpp): server-sent events, ended by a stop at once.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "hexa/http/message.hpp"

namespace hexa::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                          // 0: any free port (see port())
  std::size_t body_limit = 1024 * 1024;            // larger bodies: 413
  std::chrono::milliseconds read_timeout{10'000};  // a request must arrive whole within this
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connection with no request
  int io_threads = 1;
};

// Called on an I/O thread for each complete request. It must not block: answer through the
// responder at once, or hand blocking work to a WorkerPool that answers later.
using Dispatch = std::function<void(Request&&, Responder)>;

// The far end of a connection, for handlers that need it (a gateway's X-Forwarded-For).
struct Peer {
  std::string address;
  std::uint16_t port = 0;
};
using PeerDispatch = std::function<void(Request&&, const Peer&, Responder)>;

class Server {
 public:
  Server(ServerOptions options, Dispatch dispatch);
  Server(ServerOptions options, PeerDispatch dispatch);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();                // binds, listens, starts the I/O threads; throws if it cannot bind
  std::uint16_t port() const;  // the bound port
  // Stops accepting; requests in flight are answered (waiting up to `grace`, with
  // Connection: close); idle connections are closed; returns when the I/O threads have ended.
  // Not from one of its own I/O threads. A responder called later does nothing.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{5000});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hexa::http
