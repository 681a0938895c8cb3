#include "hexa/http/client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <stdexcept>
#include <thread>

#include "hexa/http/client_call.hpp"
#include "hexa/http/client_stream_call.hpp"

namespace hexa::http {
namespace net = boost::asio;

struct Client::Impl {
  explicit Impl(const ClientOptions& options)
      : core(options), work(core.ioc.get_executor()), thread([this] { core.ioc.run(); }) {}
  ~Impl() {
    net::post(core.ioc, [this] { core.shut_down(); });
    work.reset();  // the thread ends when the aborted calls have completed
    thread.join();
  }

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
  if (std::this_thread::get_id() == impl_->thread.get_id())
    throw std::logic_error("http::Client::send() on the client's own thread would never return");
  // Shared, so the promise outlives set_value() even after the waiter has returned.
  auto promise = std::make_shared<std::promise<Reply>>();
  auto answer = promise->get_future();
  async_send(to, std::move(req), timeout, [promise](Reply r) { promise->set_value(std::move(r)); });
  return answer.get();
}

}  // namespace hexa::http
