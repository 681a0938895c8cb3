// The gateway relays a service's event stream (GET with Accept: text/event-stream) as it
// arrives, past its upstream timeout, until either side closes; other answers pass whole.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "hexa/config/config.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/http/event_stream.hpp"
#include "hexa/http/server.hpp"
#include "support/eventually.hpp"
#include "support/stream_reader.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::http::EventStream;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Status;
using hexa::testing::eventually;
using hexa::testing::StreamReader;

// A service answering /things/live with a stream it keeps for the test, anything else with a 404.
class StreamingService {
 public:
  StreamingService()
      : server_({}, [this](Request&& req, Responder respond) {
          if (req.target() == "/actuator/health/readiness")  // the gateway's checks: ready
            return respond(hexa::http::json_response(req, Status::ok, "{}"));
          if (req.target() != "/things/live")
            return respond(hexa::http::error_response(req, Status::not_found, "no such thing"));
          auto stream = respond.stream(hexa::http::event_stream_head(req));
          stream->on_close([this] {
            std::lock_guard lock(m_);
            ++closed_;
          });
          std::lock_guard lock(m_);
          seen_ = req;
          stream_ = std::move(stream);
        }) {
    server_.start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  std::shared_ptr<EventStream> stream() {
    std::lock_guard lock(m_);
    return stream_;
  }
  Request seen() {
    std::lock_guard lock(m_);
    return seen_;
  }
  int closed() {
    std::lock_guard lock(m_);
    return closed_;
  }

 private:
  std::mutex m_;
  std::shared_ptr<EventStream> stream_;
  Request seen_;
  int closed_ = 0;
  hexa::http::Server server_;
};

constexpr std::chrono::milliseconds kUpstreamTimeout{300};

class GatewayStream : public ::testing::Test {
 protected:
  GatewayStream() {
    const std::string yaml = "server: {port: 0}\nroutes:\n  - {id: things, service: things, paths: [/things/**]}\n"
                             "services:\n  things: {url: \"" + service_.url() + "\"}\n"
                             "upstream: {timeout-ms: " + std::to_string(kUpstreamTimeout.count()) + "}\n";
    gateway_ = std::make_unique<hexa::gateway::Gateway>(hexa::Config::from_string(
        yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; }));
    gateway_->start();
  }
  std::string get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nX-Auth-Owner: mallory\r\n\r\n";
  }

  StreamingService service_;
  std::unique_ptr<hexa::gateway::Gateway> gateway_;
};

TEST_F(GatewayStream, RelaysEventsAsTheyComePastTheUpstreamTimeout) {
  StreamReader client(gateway_->port());
  client.send(get("/things/live"));
  ASSERT_TRUE(client.read_until("\r\n\r\n")) << client.received();
  EXPECT_TRUE(client.received().starts_with("HTTP/1.1 200 OK\r\n")) << client.received();
  EXPECT_NE(client.received().find("text/event-stream"), std::string::npos);
  EXPECT_NE(client.received().find("X-Request-Id: "), std::string::npos);
  EXPECT_EQ(client.received().find("Content-Length"), std::string::npos);
  ASSERT_TRUE(eventually([&] { return service_.stream() != nullptr; }));
  EXPECT_EQ(service_.seen().count("X-Auth-Owner"), 0u);  // only the gateway says who calls

  service_.stream()->send(hexa::http::sse_event("change", "one"));
  ASSERT_TRUE(client.read_until("data: one\n\n"));
  // The stream outlives the upstream timeout that bounds whole answers: the time passing is
  // what is tested here.
  std::this_thread::sleep_for(kUpstreamTimeout * 2);
  service_.stream()->send(hexa::http::sse_event("change", "two"));
  ASSERT_TRUE(client.read_until("data: two\n\n")) << client.received();
  EXPECT_EQ(client.received().find("504"), std::string::npos);
}

TEST_F(GatewayStream, TheClientLeavingEndsTheServicesStream) {
  {
    StreamReader client(gateway_->port());
    client.send(get("/things/live"));
    ASSERT_TRUE(client.read_until("\r\n\r\n"));
    ASSERT_TRUE(eventually([&] { return service_.stream() != nullptr; }));
    client.close();
  }
  EXPECT_TRUE(eventually([&] { return service_.closed() == 1; }, 5s));
}

TEST_F(GatewayStream, TheServiceEndingItEndsTheClientsStreamAfterWhatWasSent) {
  StreamReader client(gateway_->port());
  client.send(get("/things/live"));
  ASSERT_TRUE(eventually([&] { return service_.stream() != nullptr; }));
  service_.stream()->send(hexa::http::sse_event("change", "last"));
  service_.stream()->close();
  ASSERT_TRUE(client.read_to_end());
  EXPECT_NE(client.received().find("data: last\n\n"), std::string::npos) << client.received();
}

TEST_F(GatewayStream, AnAnswerThatIsNoStreamIsPassedOnWhole) {
  StreamReader client(gateway_->port());
  client.send(get("/things/missing"));
  ASSERT_TRUE(client.read_until("no such thing")) << client.received();
  EXPECT_TRUE(client.received().starts_with("HTTP/1.1 404 Not Found\r\n")) << client.received();
  EXPECT_NE(client.received().find("Content-Length: "), std::string::npos);
}

TEST_F(GatewayStream, StoppingTheGatewayEndsItsStreams) {
  StreamReader client(gateway_->port());
  client.send(get("/things/live"));
  ASSERT_TRUE(client.read_until("\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return service_.stream() != nullptr; }));
  const auto begin = std::chrono::steady_clock::now();
  gateway_->stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  EXPECT_TRUE(client.read_to_end());
  EXPECT_TRUE(eventually([&] { return service_.closed() == 1; }, 5s));
}

}  // namespace
