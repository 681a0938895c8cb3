#include "hexa/http/client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "hexa/http/client_blocking.hpp"
#include "hexa/http/client_call.hpp"
#include "hexa/http/client_stream_call.hpp"

namespace hexa::http {
namespace net = boost::asio;

struct Client::Impl {
  explicit Impl(const ClientOptions& options)
      : blocking(options), core(options), work(core.ioc.get_executor()), thread([this] { core.ioc.run(); }) {}
  ~Impl() {
    net::post(core.ioc, [this] { core.shut_down(); });
    work.reset();  // the thread ends when the aborted calls have completed
    thread.join();
  }

  detail::BlockingCalls blocking;  // last to go: it waits for the blocking calls in progress
  detail::ClientCore core;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::thread thread;
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(options)) {}
Client::~Client() = default;

void Client::async_send(const Endpoint& to, Request req, std::chrono::milliseconds timeout,
                        std::function<void(Reply)> done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Everything past this point happens on the client's thread: the pool needs no lock.
  net::post(impl_->core.ioc, [core = &impl_->core, to, req = std::move(req), deadline,
                              done = std::move(done)]() mutable {
    std::make_shared<detail::Call>(*core, std::move(to), std::move(req), deadline,
                                   std::move(done))
        ->start();
  });
}

std::shared_ptr<StreamCall> Client::open_stream(const Endpoint& to, Request req, std::chrono::milliseconds head_timeout,
                                                StreamHandlers handlers) {
  auto call = std::make_shared<detail::StreamingCall>(impl_->core, to, std::move(req), head_timeout, std::move(handlers));
  net::post(impl_->core.ioc, [call] { call->start(); });
  return call;
}

Reply Client::send(const Endpoint& to, Request req, std::chrono::milliseconds timeout) {
  return impl_->blocking.send(to, std::move(req), std::chrono::steady_clock::now() + timeout);
}

}  // namespace hexa::http
