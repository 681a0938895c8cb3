// Thousands of broken and mutated requests (seeded, so every run sends the same bytes): the
// server answers each with its handler's 200 or a 4xx, or closes the connection; it never
// answers 5xx, never hangs a connection, never crashes, and still serves a good request after.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "hexa/http/server.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Response;
using hexa::http::Status;

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> requests = {
      "GET /contracts/1?sort=id,desc HTTP/1.1\r\nHost: localhost:8088\r\nAccept: */*\r\n\r\n",
      "POST /contracts HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length: 54\r\n\r\n{\"custName\":\"고객1\",\"modelName\":\"쏘나타\",\"amt\":1}",
      "POST /pays HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
      "PATCH /contracts/7 HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n{\"amt\":2}",
      "OPTIONS * HTTP/1.1\r\nHost: h\r\nOrigin: http://x\r\n\r\n",
  };
  return requests;
}

// Applies one random mutation to `s`.
class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string next() {
    if (pick(10) == 0) return random_bytes(pick(600));
    std::string s = corpus()[pick(corpus().size())];
    const auto rounds = 1 + pick(4);
    for (std::size_t i = 0; i < rounds; ++i) mutate(s);
    return s;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  char byte() { return static_cast<char>(pick(256)); }
  char special() {
    static constexpr char chars[] = {'\r', '\n', ':', ' ', '\0', '\t', '\x7f', '\xff', '%', '/', '?', '0', ';'};
    return chars[pick(sizeof chars)];
  }
  std::string random_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = byte();
    return s;
  }

  void mutate(std::string& s) {
    const auto at = pick(s.size() + 1);
    switch (pick(9)) {
      case 0: if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8)); break;
      case 1: if (!s.empty()) s[pick(s.size())] = special(); break;
      case 2: s.insert(at, random_bytes(1 + pick(16))); break;
      case 3: s.erase(at, pick(32)); break;
      case 4: s.insert(at, s.substr(at, pick(64))); break;
      case 5: s.resize(at); break;
      case 6: s.insert(at, std::string(1 + pick(12000), 'A')); break;  // overlong lines
      case 7: s.insert(at, "Content-Length: 99999999999999999999\r\n"); break;
      default: s += corpus()[pick(corpus().size())]; break;  // splice another request on
    }
  }

  std::mt19937_64 rng_;
};

struct Outcome {
  std::vector<unsigned> statuses;
  bool closed = false;  // the server ended the connection (the test half-closes first)
};

// Sends `bytes`, half-closes, and reads every answer until the server closes.
Outcome exchange(std::uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(stream.socket(), net::buffer(bytes));
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_send);

  Outcome out;
  beast::flat_buffer buffer;
  stream.expires_after(5s);  // the whole exchange: a server holding on fails the test
  for (;;) {
    bhttp::response_parser<bhttp::string_body> parser;
    beast::error_code result;
    bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
    ioc.restart();
    ioc.run();
    if (result) {
      out.closed = result == bhttp::error::end_of_stream || result == net::error::connection_reset;
      return out;
    }
    out.statuses.push_back(parser.get().result_int());
  }
}

TEST(HttpFuzz, MalformedAndMutatedRequestsGetA4xxOrAClosedConnection) {
  hexa::http::ServerOptions options;
  options.io_threads = 2;
  options.body_limit = 64 * 1024;
  options.read_timeout = 2s;
  hexa::http::Server server(options, [](Request&& req, Responder respond) {
    Response res{Status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    res.prepare_payload();  // empty body: also right for HEAD
    respond(std::move(res));
  });
  server.start();

  Mutator mutator(20240601);
  int answered = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string bytes = mutator.next();
    const Outcome out = exchange(server.port(), bytes);
    ASSERT_TRUE(out.closed) << "case " << i << " was not closed cleanly";
    for (const unsigned status : out.statuses) {
      ASSERT_TRUE(status == 200 || (status >= 400 && status < 500))
          << "case " << i << " got " << status;
      (status == 200 ? answered : rejected) += 1;
    }
  }
  RecordProperty("answered", answered);
  RecordProperty("rejected", rejected);
  // The mix is meaningful only if both kinds happened often.
  EXPECT_GT(answered, 100);
  EXPECT_GT(rejected, 500);

  const Outcome good = exchange(server.port(), corpus()[0]);
  ASSERT_EQ(good.statuses.size(), 1u);
  EXPECT_EQ(good.statuses[0], 200u);
}

}  // namespace
