// What every request carries through the gateway, security on or off: an X-Request-Id and a
// W3C traceparent (created or continued), no X-Auth-* from the client, and one access log line.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Status;
using hexa::http::Verb;

class Recorder {
 public:
  Recorder()
      : server_({}, [this](Request&& req, Responder respond) {
          if (req.target() != "/actuator/health/readiness") {  // the gateway's checks are not traffic
            std::lock_guard lock(m_);
            seen_.push_back(req);
          }
          respond(hexa::http::json_response(req, Status::ok, "{}"));
        }) {
    server_.start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  Request last() const {
    std::lock_guard lock(m_);
    return seen_.back();
  }

 private:
  mutable std::mutex m_;
  std::vector<Request> seen_;
  hexa::http::Server server_;
};

class Tracing : public ::testing::Test {
 protected:
  Tracing() {
    // The access log goes to the default logger: catch it for the test, give it back after.
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_, true)));
    gateway_ = std::make_unique<hexa::gateway::Gateway>(hexa::Config::from_string(
        "server: {port: 0}\nroutes: [{id: s, service: s, paths: [/things/**]}]\nservices: {s: {url: '" +
            service_.url() + "'}}\n",
        {"default"}, [](const std::string&) { return std::optional<std::string>{}; }));
    gateway_->start();
  }
  ~Tracing() override {
    gateway_.reset();
    spdlog::set_default_logger(previous_);
  }
  Reply get(std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request req{Verb::get, "/things/1?x=2", 11};
    for (auto& [name, value] : headers) req.set(name, value);
    return client_.send({"127.0.0.1", gateway_->port()}, std::move(req), 10s);
  }

  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream log_;
  Recorder service_;
  hexa::http::Client client_;
  std::unique_ptr<hexa::gateway::Gateway> gateway_;
};

const std::regex kTraceparent("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

TEST_F(Tracing, ARequestWithoutIdsGetsANewTraceAndARequestIdTheClientSeesToo) {
  const Reply r = get();
  ASSERT_EQ(r.response.result(), Status::ok);
  const auto seen = service_.last();
  std::smatch m;
  const std::string traceparent(seen["traceparent"]);
  ASSERT_TRUE(std::regex_match(traceparent, m, kTraceparent)) << traceparent;
  EXPECT_EQ(seen["X-Request-Id"], m[1].str()) << "the trace id doubles as request id";
  EXPECT_EQ(r.response["X-Request-Id"], seen["X-Request-Id"]);
  EXPECT_NE(get().response["X-Request-Id"], r.response["X-Request-Id"]) << "a new one per request";
}

TEST_F(Tracing, AValidTraceparentIsContinuedWithTheGatewaysOwnSpan) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  get({{"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}, {"X-Request-Id", "order-42.a:b_c"}});
  const auto seen = service_.last();
  std::smatch m;
  const std::string traceparent(seen["traceparent"]);
  ASSERT_TRUE(std::regex_match(traceparent, m, kTraceparent)) << traceparent;
  EXPECT_EQ(m[1].str(), trace);
  EXPECT_NE(m[2].str(), "00f067aa0ba902b7") << "the gateway is the service's parent span";
  EXPECT_EQ(m[3].str(), "01") << "the sampling decision is the caller's";
  EXPECT_EQ(seen["X-Request-Id"], "order-42.a:b_c");
}

TEST_F(Tracing, MalformedIdsAreReplaced) {
  for (const std::string bad : {"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "garbage"}) {
    get({{"traceparent", bad}, {"X-Request-Id", "has space"}});
    const auto seen = service_.last();
    const std::string traceparent(seen["traceparent"]);
    EXPECT_TRUE(std::regex_match(traceparent, kTraceparent)) << bad;
    EXPECT_EQ(traceparent.find("4bf92f"), std::string::npos) << bad;
    EXPECT_NE(seen["X-Request-Id"], "has space");
  }
  get({{"X-Request-Id", std::string(200, 'a')}});
  EXPECT_NE(service_.last()["X-Request-Id"], std::string(200, 'a'));
}

TEST_F(Tracing, IdentityHeadersFromTheClientNeverReachTheServiceEvenWithSecurityOff) {
  get({{"X-Auth-Subject", "manager"}, {"X-Auth-Roles", "MANAGER"}});
  const auto seen = service_.last();
  EXPECT_EQ(seen.count("X-Auth-Subject"), 0u);
  EXPECT_EQ(seen.count("X-Auth-Roles"), 0u);
}

TEST_F(Tracing, EachRequestWritesOneAccessLine) {
  const Reply r = get();
  get();
  gateway_.reset();  // no writer left while the log is read (lines are written before answers leave)
  const std::string log = log_.str();
  const std::string rid(r.response["X-Request-Id"]);
  const auto line_start = log.find("access 127.0.0.1 \"GET /things/1?x=2\" 200 2B ");
  ASSERT_NE(line_start, std::string::npos) << log;
  const std::string line = log.substr(line_start, log.find('\n', line_start) - line_start);
  EXPECT_NE(line.find("rid=" + rid), std::string::npos) << line;
  EXPECT_NE(line.find("sub=- upstream=s@" + service_.url().substr(7)), std::string::npos) << line;
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = log.find("access ", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, 2u) << log;
}

}  // namespace
