// The HTTP server as a client sees it: bytes on a socket, answers, and closed connections.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hexa/http/server.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Response;
using hexa::http::Server;
using hexa::http::ServerOptions;
using hexa::http::Status;
using Clock = std::chrono::steady_clock;

// A client connection at the byte level. Every wait has a deadline, so a broken server fails
// the test instead of hanging it.
class RawConn {
 public:
  explicit RawConn(std::uint16_t port) {
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  void send(std::string_view bytes) { net::write(stream_.socket(), net::buffer(bytes)); }
  void shutdown_send() { stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send); }

  // The next response, or nothing when the connection ends (or `timeout` passes) first.
  std::optional<Response> read(std::chrono::milliseconds timeout = 5s, bool to_head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    parser.skip(to_head);  // an answer to HEAD announces a body it does not carry
    beast::error_code result;
    stream_.expires_after(timeout);
    bhttp::async_read(stream_, buffer_, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) return std::nullopt;
    return parser.release();
  }

  // True when the server closes the connection within `timeout` (no bytes in between).
  bool closed_within(std::chrono::milliseconds timeout) {
    char byte;
    beast::error_code result;
    stream_.expires_after(timeout);
    stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) { result = ec; });
    run();
    return result == net::error::eof || result == net::error::connection_reset;
  }

 private:
  void run() {
    ioc_.restart();
    ioc_.run();
  }
  net::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n";
}

Response text(const Request& req, std::string body) {
  Response res{Status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Answers the target back, at once, on the I/O thread.
void echo(Request&& req, Responder respond) { respond(text(req, std::string(req.target()))); }

ServerOptions options(std::chrono::milliseconds read_timeout = 5s,
                      std::chrono::milliseconds idle_timeout = 10s) {
  ServerOptions o;
  o.read_timeout = read_timeout;
  o.idle_timeout = idle_timeout;
  return o;
}

TEST(HttpServer, AnswersSeveralRequestsOnOneKeepAliveConnection) {
  std::mutex m;
  std::vector<std::uint16_t> peers;
  Server server(options(), hexa::http::PeerDispatch{[&](Request&& req, const hexa::http::Peer& peer,
                                                        Responder respond) {
                  std::lock_guard lock(m);
                  peers.push_back(peer.port);
                  respond(text(req, "ok"));
                }});
  server.start();
  RawConn conn(server.port());
  for (int i = 0; i < 3; ++i) {
    conn.send(get("/n/" + std::to_string(i)));
    const auto res = conn.read();
    ASSERT_TRUE(res) << "request " << i;
    EXPECT_EQ(res->result(), Status::ok);
    EXPECT_TRUE(res->keep_alive());
  }
  std::lock_guard lock(m);
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers[0], peers[1]);
  EXPECT_EQ(peers[1], peers[2]);
}

TEST(HttpServer, AnswersPipelinedRequestsInOrder) {
  // The first answer comes late, from another thread: a server that read ahead and answered
  // the second request first would put "/b" first on the wire.
  net::thread_pool workers(1);
  Server server(options(), [&](Request&& req, Responder respond) {
    if (req.target() != "/a") return respond(text(req, std::string(req.target())));
    net::post(workers, [req = std::move(req), respond] {
      std::this_thread::sleep_for(100ms);  // a slow handler, not a wait on the test's behalf
      respond(text(req, "/a"));
    });
  });
  server.start();
  RawConn conn(server.port());
  conn.send(get("/a") + get("/b") + get("/c"));
  for (const char* expected : {"/a", "/b", "/c"}) {
    const auto res = conn.read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body(), expected);
  }
}

TEST(HttpServer, RejectsTooLargeBodyWith413AndCloses) {
  auto o = options();
  o.body_limit = 1024 * 1024;
  bool called = false;
  Server server(o, [&](Request&& req, Responder respond) {
    called = true;
    echo(std::move(req), std::move(respond));
  });
  server.start();
  RawConn conn(server.port());
  const std::string body(2 * 1024 * 1024, 'x');
  conn.send("POST /contracts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto res = conn.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), Status::payload_too_large);
  EXPECT_FALSE(res->keep_alive());
  const auto json = nlohmann::json::parse(res->body());
  EXPECT_EQ(json["status"], 413);
  EXPECT_EQ(json["error"], "Payload Too Large");
  EXPECT_EQ(json["path"], "/contracts");
  EXPECT_TRUE(conn.closed_within(2s));
  EXPECT_FALSE(called);
}

TEST(HttpServer, RejectsMalformedRequestWith400AndCloses) {
  Server server(options(), echo);
  server.start();
  RawConn conn(server.port());
  conn.send("GET / HTTP/1.1\r\nHost t\r\n\r\n");  // a header line without a colon
  const auto res = conn.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), Status::bad_request);
  EXPECT_EQ(nlohmann::json::parse(res->body())["status"], 400);
  EXPECT_TRUE(conn.closed_within(2s));
}

// RFC 9112 3.2: an HTTP/1.1 request without Host, with two, or with one that is not a host
// name or address (a URL, a script, bytes outside ASCII) is a 400, never seen by the handler.
TEST(HttpServer, RefusesAMissingDoubledOrMalformedHostWith400) {
  std::atomic<int> handled{0};
  Server server(options(), [&](Request&& req, Responder respond) {
    ++handled;
    echo(std::move(req), std::move(respond));
  });
  server.start();
  for (const std::string& head :
       {std::string("GET /x HTTP/1.1\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nHost: javascript://evil.example\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nHost: a b\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nHost: a:99999\r\n\r\n")}) {
    RawConn conn(server.port());
    conn.send(head);
    const auto res = conn.read();
    ASSERT_TRUE(res) << head;
    EXPECT_EQ(res->result(), Status::bad_request) << head;
    EXPECT_EQ(nlohmann::json::parse(res->body())["status"], 400) << head;
    EXPECT_TRUE(conn.closed_within(2s)) << head;
  }
  EXPECT_EQ(handled, 0);
  for (const std::string& head :
       {std::string("GET /x HTTP/1.0\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nHost: localhost:8088\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n")}) {
    RawConn conn(server.port());
    conn.send(head);
    const auto res = conn.read();
    ASSERT_TRUE(res) << head;
    EXPECT_EQ(res->result(), Status::ok) << head;
  }
}

TEST(HttpServer, TellsAClientExpectingContinueToSendTheBody) {
  Server server(options(), [](Request&& req, Responder respond) { respond(text(req, req.body())); });
  server.start();
  RawConn conn(server.port());
  conn.send("POST /pays HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const auto interim = conn.read(2s);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result(), Status::continue_);
  conn.send("hello");
  const auto res = conn.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), Status::ok);
  EXPECT_EQ(res->body(), "hello");
}

TEST(HttpServer, DisconnectsAStalledClientWhileServingOthers) {
  constexpr auto kReadTimeout = 500ms;
  Server server(options(kReadTimeout, 10s), echo);
  server.start();
  const auto opened = Clock::now();
  RawConn slow(server.port());
  slow.send("GET /slow HTTP/1.1\r\nHo");  // half a header, then nothing

  RawConn other(server.port());
  for (int i = 0; i < 5; ++i) {
    other.send(get("/fast"));
    const auto res = other.read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body(), "/fast");
  }
  const auto others_done = Clock::now();

  EXPECT_TRUE(slow.closed_within(3s));
  const auto closed = Clock::now();
  EXPECT_LT(others_done - opened, kReadTimeout) << "the others were not served meanwhile";
  EXPECT_GE(closed - opened, kReadTimeout - 50ms);
  EXPECT_LT(closed - opened, kReadTimeout + 2s);
}

TEST(HttpServer, ClosesAnIdleKeepAliveConnectionAfterTheIdleTimeout) {
  Server server(options(5s, 200ms), echo);
  server.start();
  RawConn conn(server.port());
  conn.send(get("/"));
  ASSERT_TRUE(conn.read());
  const auto answered = Clock::now();
  EXPECT_TRUE(conn.closed_within(3s));
  EXPECT_GE(Clock::now() - answered, 150ms);
}

TEST(HttpServer, ABlockingHandlerOnAnotherThreadDoesNotStallOtherConnections) {
  net::thread_pool workers(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Server server(options(), [&](Request&& req, Responder respond) {
    if (req.target() != "/blocking") return echo(std::move(req), std::move(respond));
    net::post(workers, [req = std::move(req), respond, released] {
      released.wait();  // blocking work, off the I/O thread
      respond(text(req, "done"));
    });
  });
  server.start();
  RawConn blocked(server.port());
  blocked.send(get("/blocking"));
  RawConn other(server.port());
  for (int i = 0; i < 3; ++i) {
    other.send(get("/quick"));
    const auto res = other.read(2s);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body(), "/quick");
  }
  release.set_value();
  const auto res = blocked.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "done");
}

TEST(HttpServer, AnswersWith500WhenTheHandlerThrowsOrDropsTheResponder) {
  Server server(options(), [](Request&& req, Responder /*dropped unanswered*/) {
    if (req.target() == "/throw") throw std::runtime_error("boom");
  });
  server.start();
  RawConn conn(server.port());
  for (const char* target : {"/throw", "/drop"}) {
    conn.send(get(target));
    const auto res = conn.read();
    ASSERT_TRUE(res) << target;
    EXPECT_EQ(res->result(), Status::internal_server_error);
    EXPECT_EQ(nlohmann::json::parse(res->body())["path"], target);
  }
}

TEST(HttpServer, ServesHttp10AndHeadRequests) {
  Server server(options(), echo);
  server.start();
  {
    RawConn conn(server.port());
    conn.send("GET /old HTTP/1.0\r\n\r\n");
    const auto res = conn.read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->version(), 10u);
    EXPECT_EQ(res->body(), "/old");
    EXPECT_TRUE(conn.closed_within(2s));
  }
  RawConn conn(server.port());
  conn.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/after"));
  const auto head = conn.read(5s, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result(), Status::ok);
  EXPECT_EQ(head->at(bhttp::field::content_length), "2");  // what GET /h would send
  EXPECT_EQ(head->body(), "");
  const auto after = conn.read();  // no stray body bytes in between
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body(), "/after");
}

TEST(HttpServer, ServesManyClientsWithSeveralIoThreads) {
  auto o = options();
  o.io_threads = 4;
  Server server(o, echo);
  server.start();
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 8; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      RawConn conn(server.port());
      int ok = 0;
      for (int i = 0; i < 50; ++i) {
        const std::string target = "/c" + std::to_string(c) + "/" + std::to_string(i);
        conn.send(get(target));
        const auto res = conn.read();
        ok += res && res->body() == target;
      }
      return ok;
    }));
  }
  for (auto& c : clients) EXPECT_EQ(c.get(), 50);
}

TEST(HttpServer, GracefulStopFinishesTheRequestInFlight) {
  net::thread_pool workers(1);
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  Server server(options(), [&](Request&& req, Responder respond) {
    if (req.target() != "/slow") return echo(std::move(req), std::move(respond));
    entered.set_value();
    net::post(workers, [req = std::move(req), respond, released] {
      released.wait();
      respond(text(req, "finished"));
    });
  });
  server.start();
  const auto port = server.port();
  RawConn idle(port);
  idle.send(get("/"));
  ASSERT_TRUE(idle.read());
  RawConn busy(port);
  busy.send(get("/slow"));
  entered.get_future().wait();

  auto stopped = std::async(std::launch::async, [&] { server.stop(5s); });
  EXPECT_TRUE(idle.closed_within(3s)) << "an idle connection is closed at once";
  EXPECT_TRUE(eventually([&] {
    try {
      RawConn probe(port);
      return false;
    } catch (const std::exception&) {
      return true;  // no longer accepting
    }
  }));
  EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout) << "stop() did not wait";

  release.set_value();
  const auto res = busy.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "finished");
  EXPECT_FALSE(res->keep_alive()) << "answers during the stop close their connection";
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
}

TEST(HttpServer, StopGivesUpAfterTheGraceAndLateAnswersAreHarmless) {
  std::mutex m;
  std::vector<Responder> held;
  auto server = std::make_unique<Server>(options(), [&](Request&&, Responder respond) {
    std::lock_guard lock(m);
    held.push_back(std::move(respond));  // never answered in time
  });
  server->start();
  RawConn conn(server->port());
  conn.send(get("/never"));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return held.size() == 1;
  }));
  const auto begin = Clock::now();
  server->stop(200ms);
  EXPECT_LT(Clock::now() - begin, 2s);
  EXPECT_TRUE(conn.closed_within(2s));
  held[0](Response{Status::ok, 11});  // after stop()
  server.reset();
  held.push_back(held[0]);
  held[1](Response{Status::ok, 11});  // after the server is gone
  held.clear();
}

}  // namespace
