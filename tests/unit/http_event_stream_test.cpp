// Streamed answers (server-sent events) as a client sees them: a head without length, then
// frames as the handler sends them, until the client leaves, the handler closes or the server
// stops.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "hexa/http/event_stream.hpp"
#include "hexa/http/server.hpp"
#include "support/eventually.hpp"
#include "support/stream_reader.hpp"

namespace {

using hexa::testing::eventually;
using hexa::testing::StreamReader;
using namespace std::chrono_literals;
using hexa::http::EventStream;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Server;

// A server whose handler answers every request with a stream and keeps it for the test.
class StreamingServer {
 public:
  StreamingServer()
      : server_({}, [this](Request&& req, Responder respond) {
          auto stream = respond.stream(hexa::http::event_stream_head(req));
          stream->on_close([this] {
            std::lock_guard lock(m_);
            ++closed_;
          });
          std::lock_guard lock(m_);
          stream_ = std::move(stream);
        }) {
    server_.start();
  }
  std::uint16_t port() const { return server_.port(); }
  std::shared_ptr<EventStream> stream() {
    std::lock_guard lock(m_);
    return stream_;
  }
  bool has_stream() { return stream() != nullptr; }
  int closed() {
    std::lock_guard lock(m_);
    return closed_;
  }
  Server& server() { return server_; }

 private:
  std::mutex m_;
  std::shared_ptr<EventStream> stream_;
  int closed_ = 0;
  Server server_;  // last: stopped first
};

constexpr std::string_view kGet = "GET /things/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";

TEST(EventStream, SendsAHeadWithoutLengthThenEachFrameAsSent) {
  StreamingServer s;
  StreamReader conn(s.port());
  conn.send(kGet);
  ASSERT_TRUE(conn.read_until("\r\n\r\n")) << conn.received();
  EXPECT_TRUE(conn.received().starts_with("HTTP/1.1 200 OK\r\n")) << conn.received();
  EXPECT_NE(conn.received().find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(conn.received().find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_NE(conn.received().find("Connection: close"), std::string::npos);
  EXPECT_EQ(conn.received().find("Content-Length"), std::string::npos);
  EXPECT_EQ(conn.received().find("chunked"), std::string::npos);

  ASSERT_TRUE(eventually([&] { return s.has_stream(); }));
  EXPECT_TRUE(s.stream()->send(hexa::http::sse_event("change", "{\"id\":1}")));
  ASSERT_TRUE(conn.read_until("data: {\"id\":1}\n\n")) << conn.received();
  EXPECT_TRUE(s.stream()->send(hexa::http::sse_comment("keep-alive")));
  EXPECT_TRUE(s.stream()->send(hexa::http::sse_event("change", "{\"id\":2}")));
  ASSERT_TRUE(conn.read_until(": keep-alive\n\nevent: change\ndata: {\"id\":2}\n\n")) << conn.received();
}

TEST(EventStream, EndsWhenTheClientLeaves) {
  StreamingServer s;
  {
    StreamReader conn(s.port());
    conn.send(kGet);
    ASSERT_TRUE(conn.read_until("\r\n\r\n"));
    ASSERT_TRUE(eventually([&] { return s.has_stream(); }));
    conn.close();
  }
  ASSERT_TRUE(eventually([&] { return s.closed() == 1; }));
  EXPECT_FALSE(s.stream()->open());
  EXPECT_FALSE(s.stream()->send("data: late\n\n"));
}

TEST(EventStream, EndsWhenTheHandlerClosesItAfterWhatWasSent) {
  StreamingServer s;
  StreamReader conn(s.port());
  conn.send(kGet);
  ASSERT_TRUE(eventually([&] { return s.has_stream(); }));
  s.stream()->send(hexa::http::sse_event("change", "last"));
  s.stream()->close();
  ASSERT_TRUE(conn.read_to_end());
  EXPECT_NE(conn.received().find("data: last\n\n"), std::string::npos) << conn.received();
  EXPECT_TRUE(eventually([&] { return s.closed() == 1; }));
}

TEST(EventStream, AGracefulStopEndsStreamsAtOnceAndLateSendsAreDropped) {
  StreamingServer s;
  StreamReader conn(s.port());
  conn.send(kGet);
  ASSERT_TRUE(conn.read_until("\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return s.has_stream(); }));
  const auto begin = std::chrono::steady_clock::now();
  s.server().stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);  // not the grace: streams do not finish
  EXPECT_TRUE(conn.read_to_end());
  EXPECT_EQ(s.closed(), 1);
  EXPECT_FALSE(s.stream()->send("data: after stop\n\n"));
}

TEST(EventStream, AHeadRequestGetsTheHeadAndTheConnectionCloses) {
  StreamingServer s;
  StreamReader conn(s.port());
  conn.send("HEAD /things/live HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(conn.read_to_end());
  EXPECT_TRUE(conn.received().starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_TRUE(conn.received().ends_with("\r\n\r\n"));
}

TEST(EventStream, AClientThatDoesNotReadIsDroppedOnceTooMuchWaits) {
  StreamingServer s;
  StreamReader conn(s.port());
  conn.send(kGet);
  ASSERT_TRUE(eventually([&] { return s.has_stream(); }));
  const std::string frame = hexa::http::sse_event("change", std::string(64 * 1024, 'x'));
  // Far more than the socket buffers and the queue hold, never read by the client.
  for (int i = 0; i < 400 && s.stream()->send(frame); ++i) {
  }
  EXPECT_TRUE(eventually([&] { return s.closed() == 1; }));
}

TEST(EventStream, AResponderMadeFromAFunctionCannotStream) {
  Responder plain{[](hexa::http::Response) {}};
  EXPECT_EQ(plain.stream(hexa::http::Response{}), nullptr);
}

TEST(EventStream, FramesFollowTheEventStreamFormat) {
  EXPECT_EQ(hexa::http::sse_event("change", "a\nb"), "event: change\ndata: a\ndata: b\n\n");
  EXPECT_EQ(hexa::http::sse_comment("keep-alive"), ": keep-alive\n\n");
  Request req{hexa::http::Verb::get, "/x", 11};
  EXPECT_FALSE(hexa::http::accepts_event_stream(req));
  req.set(boost::beast::http::field::accept, "text/event-stream");
  EXPECT_TRUE(hexa::http::accepts_event_stream(req));
}

}  // namespace
