// The HTTP client against real servers: ours, and hand-driven sockets that misbehave on cue.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::http::Client;
using hexa::http::Endpoint;
using hexa::http::Failure;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Response;
using hexa::http::Server;
using hexa::http::Status;
using hexa::http::Verb;
using Clock = std::chrono::steady_clock;
namespace bhttp = boost::beast::http;

// A file descriptor that closes itself.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

void wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
    throw std::runtime_error("scripted server: nothing arrived in time");
}

// A listening socket whose connections a test drives by hand; every wait is bounded.
class ScriptedServer {
 public:
  ScriptedServer() : listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_.get(), 16) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("scripted server: cannot listen");
    port_ = ntohs(addr.sin_port);
  }
  std::uint16_t port() const { return port_; }
  Endpoint endpoint() const { return Endpoint{"127.0.0.1", port_}; }

  Fd accept(std::chrono::milliseconds timeout = 5s) {
    wait_readable(listener_.get(), timeout);
    return Fd(::accept(listener_.get(), nullptr, nullptr));
  }
  // Reads up to the end of a request head (the tests send no bodies).
  static std::string read_head(const Fd& c, std::chrono::milliseconds timeout = 5s) {
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
      wait_readable(c.get(), timeout);
      char chunk[4096];
      const auto n = ::recv(c.get(), chunk, sizeof chunk, 0);
      if (n <= 0) throw std::runtime_error("scripted server: client went away");
      head.append(chunk, static_cast<std::size_t>(n));
    }
    return head;
  }
  static void write(const Fd& c, std::string_view bytes) {
    if (::send(c.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error("scripted server: short write");
  }

 private:
  Fd listener_;
  std::uint16_t port_ = 0;
};

constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

Request get(std::string target) { return Request{Verb::get, target, 11}; }

// Every rule holds for both forms of a call: send() on the caller's thread, async_send() on
// the client's I/O thread.
enum class Form { Blocking, Async };

class HttpClientCall : public ::testing::TestWithParam<Form> {
 protected:
  Reply call(Client& client, const Endpoint& to, Request req, std::chrono::milliseconds timeout) {
    if (GetParam() == Form::Blocking) return client.send(to, std::move(req), timeout);
    std::promise<Reply> reply;
    client.async_send(to, std::move(req), timeout, [&reply](Reply r) { reply.set_value(std::move(r)); });
    return reply.get_future().get();
  }
};

INSTANTIATE_TEST_SUITE_P(BothForms, HttpClientCall, ::testing::Values(Form::Blocking, Form::Async),
                         [](const auto& info) { return info.param == Form::Blocking ? "send" : "async_send"; });

std::uint16_t closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();  // closed again when `a` goes
}

TEST(HttpClient, ParsesEndpoints) {
  EXPECT_EQ(Endpoint::parse("http://127.0.0.1:8082").str(), "127.0.0.1:8082");
  EXPECT_EQ(Endpoint::parse("localhost:8081/some/path").str(), "localhost:8081");
  EXPECT_EQ(Endpoint::parse(" http://pay ").port, 80);
  EXPECT_EQ(Endpoint::parse(":9000").str(), "127.0.0.1:9000");
  EXPECT_EQ(Endpoint::parse("http://[::1]:7000").str(), "[::1]:7000");
  EXPECT_THROW(Endpoint::parse("https://x:1"), std::invalid_argument);
  EXPECT_THROW(Endpoint::parse("x:notaport"), std::invalid_argument);
}

TEST_P(HttpClientCall, ReportsRefusedWhenNothingListens) {
  Client client;
  const Reply reply = call(client, {"127.0.0.1", closed_port()}, get("/"), 2s);
  EXPECT_EQ(reply.failure, Failure::Refused);
  EXPECT_FALSE(reply.answered());
  EXPECT_FALSE(reply.error.empty());
}

TEST_P(HttpClientCall, ReportsTimeoutWhenTheServerNeverAnswers) {
  ScriptedServer server;
  std::promise<void> client_done;
  auto script = std::async(std::launch::async, [&] {
    Fd c = server.accept();
    ScriptedServer::read_head(c);
    client_done.get_future().wait_for(5s);  // holds the connection open, silent
  });
  Client client;
  const auto begin = Clock::now();
  const Reply reply = call(client, server.endpoint(), get("/"), 200ms);
  const auto took = Clock::now() - begin;
  client_done.set_value();
  script.get();
  EXPECT_EQ(reply.failure, Failure::Timeout);
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 2s);
}

TEST_P(HttpClientCall, ReportsBrokenWhenTheServerClosesAfterReading) {
  ScriptedServer server;
  auto script = std::async(std::launch::async, [&] {
    Fd c = server.accept();
    ScriptedServer::read_head(c);
  });  // closes without a word
  Client client;
  const Reply reply = call(client, server.endpoint(), get("/"), 2s);
  script.get();
  EXPECT_EQ(reply.failure, Failure::Broken);
}

TEST_P(HttpClientCall, ReportsBrokenOnATruncatedAnswer) {
  ScriptedServer server;
  auto script = std::async(std::launch::async, [&] {
    Fd c = server.accept();
    ScriptedServer::read_head(c);
    ScriptedServer::write(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  });
  Client client;
  const Reply reply = call(client, server.endpoint(), get("/"), 2s);
  script.get();
  EXPECT_EQ(reply.failure, Failure::Broken);
}

TEST_P(HttpClientCall, SkipsAnInterimAnswer) {
  ScriptedServer server;
  auto script = std::async(std::launch::async, [&] {
    Fd c = server.accept();
    ScriptedServer::read_head(c);
    ScriptedServer::write(c, std::string("HTTP/1.1 100 Continue\r\n\r\n") + std::string(kOk));
  });
  Client client;
  Request req{Verb::post, "/pays", 11};
  req.set(bhttp::field::expect, "100-continue");
  req.body() = "{}";
  const Reply reply = call(client, server.endpoint(), std::move(req), 2s);
  script.get();
  ASSERT_TRUE(reply.answered()) << reply.error;
  EXPECT_EQ(reply.response.result(), Status::ok);
  EXPECT_EQ(reply.response.body(), "ok");
}

TEST_P(HttpClientCall, RetriesOnceOnAFreshConnectionWhenAReusedOneWasClosed) {
  ScriptedServer server;
  auto script = std::async(std::launch::async, [&] {
    Fd first = server.accept();
    ScriptedServer::read_head(first);
    ScriptedServer::write(first, kOk);
    ScriptedServer::read_head(first);  // the second request arrives on the idle connection...
    { Fd gone = std::move(first); }      // ...which the server closes without answering
    Fd second = server.accept();
    ScriptedServer::read_head(second);
    ScriptedServer::write(second, kOk);
  });
  Client client;
  EXPECT_TRUE(call(client, server.endpoint(), get("/1"), 2s).answered());
  const Reply reply = call(client, server.endpoint(), get("/2"), 2s);
  script.get();
  ASSERT_TRUE(reply.answered()) << reply.error;
  EXPECT_EQ(reply.response.body(), "ok");
}

// The server may have read the POST and acted on it before the connection died: sending it
// again could act twice, so the caller gets Broken and decides.
TEST_P(HttpClientCall, NeverSendsAPostAgainWhenAReusedConnectionGaveNoAnswer) {
  ScriptedServer server;
  auto script = std::async(std::launch::async, [&] {
    Fd first = server.accept();
    ScriptedServer::read_head(first);
    ScriptedServer::write(first, kOk);
    ScriptedServer::read_head(first);  // the POST arrives...
    { Fd gone = std::move(first); }      // ...and the server dies without answering
    EXPECT_THROW(server.accept(300ms), std::runtime_error) << "the POST was sent again";
  });
  Client client;
  EXPECT_TRUE(call(client, server.endpoint(), get("/1"), 2s).answered());
  Request post{Verb::post, "/contracts", 11};
  post.body() = "{}";
  const Reply reply = call(client, server.endpoint(), std::move(post), 2s);
  script.get();
  EXPECT_EQ(reply.failure, Failure::Broken);
}

TEST_P(HttpClientCall, ReusesKeepAliveConnectionsAndSetsHostAndLength) {
  std::mutex m;
  std::set<std::uint16_t> peers;
  std::vector<Request> seen;
  Server server({}, hexa::http::PeerDispatch{[&](Request&& req, const hexa::http::Peer& peer,
                                                 Responder respond) {
                  {
                    std::lock_guard lock(m);
                    peers.insert(peer.port);
                    seen.push_back(req);
                  }
                  Response res{Status::created, 11};
                  res.body() = req.body();
                  res.prepare_payload();
                  respond(std::move(res));
                }});
  server.start();
  Client client;
  const Endpoint to{"127.0.0.1", server.port()};
  for (int i = 0; i < 5; ++i) {
    Request req{Verb::post, "/contracts", 11};
    req.body() = R"({"custName":"고객1"})";
    const Reply reply = call(client, to, std::move(req), 2s);
    ASSERT_TRUE(reply.answered()) << reply.error;
    EXPECT_EQ(reply.response.result(), Status::created);
    EXPECT_EQ(reply.response.body(), R"({"custName":"고객1"})");
  }
  std::lock_guard lock(m);
  EXPECT_EQ(peers.size(), 1u) << "one pooled connection served all calls";
  EXPECT_EQ(seen[0][bhttp::field::host], to.str());
  EXPECT_EQ(seen[0][bhttp::field::content_length], std::to_string(seen[0].body().size()));
  EXPECT_TRUE(seen[0].keep_alive());
}

TEST_P(HttpClientCall, KeepsAHostTheCallerSet) {
  std::promise<std::string> host;
  Server server({}, [&](Request&& req, Responder respond) {
    host.set_value(std::string(req[bhttp::field::host]));
    respond(Response{Status::no_content, 11});
  });
  server.start();
  Client client;
  Request req = get("/");
  req.set(bhttp::field::host, "gateway.example:8088");
  EXPECT_TRUE(call(client, {"127.0.0.1", server.port()}, std::move(req), 2s).answered());
  EXPECT_EQ(host.get_future().get(), "gateway.example:8088");
}

// 200 with the request's target as its body: which answer belongs to which call.
Response target_echoed(const Request& req) {
  Response res{Status::ok, 11};
  res.body() = std::string(req.target());
  res.prepare_payload();
  return res;
}

TEST(HttpClient, CompletesManyConcurrentCallsFromSeveralThreads) {
  Server server({}, [](Request&& req, Responder respond) { respond(target_echoed(req)); });
  server.start();
  Client client;
  const Endpoint to{"127.0.0.1", server.port()};
  std::atomic<int> right{0};
  std::atomic<int> calls{0};
  std::promise<void> all_done;
  constexpr int kThreads = 4, kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string target = "/";  // built step by step: GCC 12 warns falsely on "/" + string
        target.append(std::to_string(t)).append("/").append(std::to_string(i));
        client.async_send(to, get(target), 5s, [&, target](Reply r) {
          right += r.answered() && r.response.body() == target;
          if (++calls == kThreads * kPerThread) all_done.set_value();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(all_done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(right.load(), kThreads * kPerThread);
}

TEST(HttpClient, CompletesManyConcurrentBlockingCallsOverSharedConnections) {
  std::mutex m;
  std::set<std::uint16_t> peers;
  Server server({}, hexa::http::PeerDispatch{[&](Request&& req, const hexa::http::Peer& peer, Responder respond) {
                  {
                    std::lock_guard lock(m);
                    peers.insert(peer.port);
                  }
                  respond(target_echoed(req));
                }});
  server.start();
  Client client;
  const Endpoint to{"127.0.0.1", server.port()};
  std::atomic<int> right{0};
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string target = "/";
        target.append(std::to_string(t)).append("/").append(std::to_string(i));
        const Reply r = client.send(to, get(target), 5s);
        right += r.answered() && r.response.body() == target;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(right.load(), kThreads * kPerThread);
  std::lock_guard lock(m);
  EXPECT_LE(peers.size(), static_cast<std::size_t>(kThreads)) << "idle connections are reused";
}

TEST_P(HttpClientCall, DestroyingTheClientEndsCallsInProgress) {
  ScriptedServer server;
  std::promise<void> request_arrived, finished;
  auto script = std::async(std::launch::async, [&] {
    Fd c = server.accept();
    ScriptedServer::read_head(c);
    request_arrived.set_value();
    finished.get_future().wait_for(5s);
  });
  std::optional<Client> client(std::in_place);
  auto outcome = std::async(std::launch::async, [&] { return call(*client, server.endpoint(), get("/"), 10s); });
  ASSERT_EQ(request_arrived.get_future().wait_for(5s), std::future_status::ready);
  const auto begin = Clock::now();
  client.reset();  // while the call waits for an answer that will not come
  ASSERT_EQ(outcome.wait_for(2s), std::future_status::ready);
  EXPECT_LT(Clock::now() - begin, 2s);
  EXPECT_EQ(outcome.get().failure, Failure::Broken);
  finished.set_value();
  script.get();
}

}  // namespace
