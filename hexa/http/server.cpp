#include "hexa/http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <optional>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hexa/http/server_core.hpp"
#include "hexa/http/server_session.hpp"

namespace hexa::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Pause before accepting again after a resource error (EMFILE...), instead of spinning.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

tcp::endpoint resolve(net::io_context& ioc, const std::string& address, std::uint16_t port) {
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(address, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service);
  return results.begin()->endpoint();
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, PeerDispatch dispatch)
      : core(std::make_shared<detail::ServerCore>(std::move(options), std::move(dispatch))),
        acceptor(net::make_strand(core->ioc())),
        backoff(acceptor.get_executor()) {}
  ~Impl() { stop(std::chrono::milliseconds{5000}); }

  void start();
  void stop(std::chrono::milliseconds grace);

  std::shared_ptr<detail::ServerCore> core;  // first: outlives the acceptor and the timer
  tcp::acceptor acceptor;
  net::steady_timer backoff;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool stopped = false;

 private:
  void listen();
  void accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  net::any_io_executor session_executor();
  void run_io();
  void close_acceptor();
};

void Server::Impl::start() {
  if (!threads.empty() || stopped) throw std::logic_error("http::Server: start() called twice");
  listen();
  work.emplace(core->ioc().get_executor());
  const int n = std::max(1, core->options.io_threads);
  std::vector<std::thread::id> ids;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([this] { run_io(); });
    ids.push_back(threads.back().get_id());
  }
  core->set_io_threads(std::move(ids));  // before the first accept, so no handler reads it early
  net::post(acceptor.get_executor(), [this] { accept(); });
}

void Server::Impl::listen() {
  const auto& o = core->options;
  try {
    const auto endpoint = resolve(core->ioc(), o.address, o.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("http::Server cannot listen on " + o.address + ":" +
                             std::to_string(o.port) + ": " + e.code().message());
  }
}

net::any_io_executor Server::Impl::session_executor() {
  // A strand only when handlers of one connection could otherwise run on two threads at once.
  if (core->options.io_threads > 1) return net::make_strand(core->ioc());
  return core->ioc().get_executor();
}

void Server::Impl::accept() {
  acceptor.async_accept(session_executor(), [this](boost::system::error_code ec, tcp::socket s) {
    on_accept(ec, std::move(s));
  });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (!ec) {
    std::make_shared<detail::Session>(core, std::move(socket))->start();
  } else if (ec != net::error::connection_aborted) {
    spdlog::warn("http: accept failed: {}", ec.message());
    backoff.expires_after(kAcceptBackoff);
    backoff.async_wait([this](boost::system::error_code e) {
      if (!e) accept();
    });
    return;
  }
  accept();
}

void Server::Impl::run_io() {
  for (;;) {
    try {
      core->ioc().run();
      return;
    } catch (const std::exception& e) {  // one bad handler must not take the server down
      spdlog::error("http: I/O handler threw: {}", e.what());
    }
  }
}

void Server::Impl::close_acceptor() {
  std::promise<void> closed;
  net::post(acceptor.get_executor(), [this, &closed] {
    boost::system::error_code ec;
    acceptor.close(ec);
    backoff.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
}

void Server::Impl::stop(std::chrono::milliseconds grace) {
  if (threads.empty() || stopped) return;
  if (core->on_io_thread()) throw std::logic_error("http::Server: stop() on its own I/O thread");
  stopped = true;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  close_acceptor();
  core->start_draining();  // answers from now on carry Connection: close
  for (const auto& s : core->sessions()) s->post_drain();
  if (!core->wait_until_idle(deadline)) spdlog::warn("http: stop grace over, requests in flight");
  core->close_gate();  // late answers from other threads are dropped
  for (const auto& s : core->sessions()) s->post_close();
  work.reset();  // the I/O threads end once the closes have run
  for (auto& t : threads) t.join();
}

Server::Server(ServerOptions options, PeerDispatch dispatch)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(dispatch))) {}

Server::Server(ServerOptions options, Dispatch dispatch)
    : Server(std::move(options),
             PeerDispatch{[d = std::move(dispatch)](Request&& req, const Peer&, Responder r) {
               d(std::move(req), std::move(r));
             }}) {}

Server::~Server() = default;

void Server::start() { impl_->start(); }
std::uint16_t Server::port() const { return impl_->port; }
void Server::stop(std::chrono::milliseconds grace) { impl_->stop(grace); }

}  // namespace hexa::http
