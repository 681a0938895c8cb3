#include "hexa/launcher/loopback_http.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace hexa::launcher {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// One request, one answer, then the connection closes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void run() {
    stream_.expires_after(std::chrono::seconds(5));  // a silent client cannot hold the server
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) self->answer();
                     });
  }

 private:
  void answer() {
    HttpAnswer reply;
    try {
      reply = handler_(request_.method_string(), request_.target(), request_.body());
    } catch (const std::exception&) {
      reply = {500, std::string(R"({"message":"internal error"})")};
    }
    response_.result(static_cast<unsigned>(reply.status));
    response_.set(http::field::content_type, reply.content_type);
    response_.body() = std::move(reply.body);
    response_.keep_alive(false);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](error_code, std::size_t) {
      error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  const HttpHandler& handler_;  // owned by the server, which outlives its sessions
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

struct LoopbackServer::Impl {
  Impl(std::uint16_t port, HttpHandler h)
      : acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), port)), handler(std::move(h)) {}

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) return;  // closed: the server is stopping
      std::make_shared<Session>(std::move(socket), handler)->run();
      accept();
    });
  }

  asio::io_context io;  // first: destroyed last, after everything that uses it
  tcp::acceptor acceptor;
  HttpHandler handler;
  std::thread thread;
};

LoopbackServer::LoopbackServer(std::uint16_t port, HttpHandler handler)
    : impl_(std::make_unique<Impl>(port, std::move(handler))) {
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

LoopbackServer::~LoopbackServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t LoopbackServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::optional<HttpAnswer> http_call(std::uint16_t port, std::string_view method,
                                    std::string_view target, std::chrono::milliseconds timeout,
                                    const std::string& body,
                                    const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  std::optional<HttpAnswer> out;

  stream.expires_after(timeout);  // one deadline for connect, write and read together
  stream.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), [&](error_code ec) {
    if (ec) return;
    http::async_write(stream, request, [&](error_code ec, std::size_t) {
      if (ec) return;
      http::async_read(stream, buffer, response, [&](error_code ec, std::size_t) {
        if (!ec) out = HttpAnswer{static_cast<int>(response.result_int()), response.body()};
      });
    });
  });
  io.run();
  return out;
}

}  // namespace hexa::launcher
