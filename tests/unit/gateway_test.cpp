// The gateway between a client and real upstream servers on loopback ports.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/events/event.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::http::Client;
using hexa::http::Endpoint;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Response;
using hexa::http::Status;
using hexa::http::Verb;
namespace bhttp = boost::beast::http;
using Json = nlohmann::json;

// A service instance that records what reached it and answers with its own name.
class Upstream {
 public:
  explicit Upstream(std::string name, bool answers = true)
      : name_(std::move(name)),
        answers_(answers),
        server_({}, [this](Request&& req, Responder respond) { on_request(std::move(req), std::move(respond)); }) {
    server_.start();
  }
  ~Upstream() {
    std::vector<Responder> held;
    {
      std::lock_guard lock(m_);
      held.swap(held_);
    }
    held.clear();  // unanswered ones get the server's 500, harmlessly late
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  std::vector<Request> seen() const {
    std::lock_guard lock(m_);
    return seen_;
  }

 private:
  void on_request(Request&& req, Responder respond) {
    // The gateway's readiness checks are not traffic: ready at once, even when slow to serve.
    if (req.target() == "/actuator/health/readiness") return respond(hexa::http::json_response(req, Status::ok, "{}"));
    std::lock_guard lock(m_);
    seen_.push_back(req);
    if (!answers_) return held_.push_back(std::move(respond));  // too slow for the gateway
    Response res{req.method() == Verb::post ? Status::created : Status::ok, 11};
    res.set(bhttp::field::content_type, "application/json;charset=UTF-8");
    res.set(bhttp::field::location, "http://" + std::string(req[bhttp::field::host]) + "/contracts/1");
    res.body() = Json{{"upstream", name_}, {"target", std::string(req.target())}, {"body", req.body()}}.dump();
    res.prepare_payload();
    respond(std::move(res));
  }

  std::string name_;
  bool answers_;
  mutable std::mutex m_;
  std::vector<Request> seen_;
  std::vector<Responder> held_;
  hexa::http::Server server_;  // last: stopped first, before the members it uses
};

std::string closed_url() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
}

hexa::Config gateway_config(const std::string& contract_url, const std::string& pay_url,
                            const std::string& reservation_url, const std::string& server_extra = "",
                            const std::string& pay_extra = "") {
  const std::string yaml = R"(
server:
  port: 0
)" + server_extra + R"(
routes:
  - id: contract
    service: contract
    paths: [/contracts/**]
  - id: pay
    service: pay
    paths: [/pays/**, /payments]
)" + pay_extra + R"(
  - id: reservation
    service: reservation
    paths: [/reservations/**]
cors:
  allowed-origins: "http://shop.example"
  allowed-methods: [GET, POST, PATCH]
  allowed-headers: "*"
services:
  contract: {url: ")" + contract_url + R"("}
  pay: {url: ")" + pay_url + R"("}
  reservation: {url: ")" + reservation_url + R"("}
upstream:
  timeout-ms: 300
)";
  return hexa::Config::from_string(yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; });
}

class GatewayTest : public ::testing::Test {
 protected:
  Reply call(Verb verb, const std::string& target, std::string body = "",
             std::vector<std::pair<bhttp::field, std::string>> headers = {}) {
    Request req{verb, target, 11};
    for (auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    return client_.send(Endpoint{"127.0.0.1", gateway_->port()}, std::move(req), 5s);
  }
  void start(const std::string& contract_url, const std::string& pay_url,
             const std::string& reservation_url, const std::string& server_extra = "",
             const std::string& pay_extra = "") {
    gateway_ = std::make_unique<hexa::gateway::Gateway>(
        gateway_config(contract_url, pay_url, reservation_url, server_extra, pay_extra));
    gateway_->start();
  }
  static Json json_of(const Reply& r) { return Json::parse(r.response.body()); }

  Upstream contract_{"contract"};
  Upstream pay_{"pay"};
  Client client_;
  std::unique_ptr<hexa::gateway::Gateway> gateway_;
};

TEST_F(GatewayTest, RoutesByPathPrefixAndForwardsMethodTargetHeadersAndBody) {
  start(contract_.url(), pay_.url(), closed_url());
  const Reply created = call(Verb::post, "/contracts?source=test", R"({"custName":"고객1"})",
                             {{bhttp::field::content_type, "application/json"},
                              {bhttp::field::authorization, "Bearer t"}});
  ASSERT_TRUE(created.answered()) << created.error;
  EXPECT_EQ(created.response.result(), Status::created);
  EXPECT_EQ(json_of(created)["upstream"], "contract");
  EXPECT_EQ(json_of(created)["target"], "/contracts?source=test");
  EXPECT_EQ(json_of(created)["body"], R"({"custName":"고객1"})");
  const auto seen = contract_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method(), Verb::post);
  EXPECT_EQ(seen[0][bhttp::field::authorization], "Bearer t");
  EXPECT_EQ(seen[0][bhttp::field::content_type], "application/json");

  EXPECT_EQ(json_of(call(Verb::get, "/contracts/1/details"))["upstream"], "contract");
  EXPECT_EQ(json_of(call(Verb::patch, "/pays/3"))["upstream"], "pay");
  EXPECT_EQ(json_of(call(Verb::get, "/payments?page=1"))["upstream"], "pay");
  EXPECT_EQ(call(Verb::get, "/contractsX").response.result(), Status::not_found);
  EXPECT_EQ(call(Verb::get, "/payments/1").response.result(), Status::not_found);  // exact pattern
}

TEST_F(GatewayTest, AnswersAnUnknownRouteWith404InSpringShape) {
  start(contract_.url(), pay_.url(), closed_url());
  const Reply r = call(Verb::get, "/nowhere/9?x=1");
  ASSERT_TRUE(r.answered());
  EXPECT_EQ(r.response.result(), Status::not_found);
  EXPECT_EQ(r.response[bhttp::field::content_type], "application/json;charset=UTF-8");
  const Json body = json_of(r);
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["error"], "Not Found");
  EXPECT_EQ(body["path"], "/nowhere/9");
  EXPECT_TRUE(body["timestamp"].is_string());
  EXPECT_TRUE(body["message"].is_string());
}

TEST_F(GatewayTest, Answers503WhenTheServiceIsDown) {
  start(contract_.url(), pay_.url(), closed_url());
  const Reply r = call(Verb::get, "/reservations/5");
  ASSERT_TRUE(r.answered());
  EXPECT_EQ(r.response.result(), Status::service_unavailable);
  EXPECT_EQ(r.response[bhttp::field::retry_after], "1");
  const Json body = json_of(r);
  EXPECT_EQ(body["status"], 503);
  // Refused, or already out of rotation when the first readiness check came first.
  EXPECT_TRUE(body["message"].get<std::string>().starts_with("service reservation is unavailable")) << body;
  EXPECT_EQ(body["path"], "/reservations/5");
}

TEST_F(GatewayTest, Answers504WhenTheServiceIsTooSlow) {
  Upstream slow("reservation", false);
  start(contract_.url(), pay_.url(), slow.url());
  const auto begin = std::chrono::steady_clock::now();
  const Reply r = call(Verb::get, "/reservations");
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(r.answered());
  EXPECT_EQ(r.response.result(), Status::gateway_timeout);
  EXPECT_EQ(json_of(r)["status"], 504);
  EXPECT_NE(json_of(r)["message"].get<std::string>().find("reservation"), std::string::npos);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 3s);
  gateway_.reset();  // before `slow`, whose late answers then find nobody waiting
}

TEST_F(GatewayTest, AnswersCorsPreflightItself) {
  start(contract_.url(), pay_.url(), closed_url());
  const Reply r = call(Verb::options, "/contracts/1", "",
                       {{bhttp::field::origin, "http://shop.example"},
                        {bhttp::field::access_control_request_method, "PATCH"},
                        {bhttp::field::access_control_request_headers, "content-type"}});
  ASSERT_TRUE(r.answered());
  EXPECT_EQ(r.response.result(), Status::no_content);
  EXPECT_EQ(r.response[bhttp::field::access_control_allow_origin], "http://shop.example");
  EXPECT_EQ(r.response[bhttp::field::access_control_allow_methods], "GET,POST,PATCH");
  EXPECT_EQ(r.response[bhttp::field::access_control_allow_headers], "content-type");
  EXPECT_TRUE(contract_.seen().empty()) << "a preflight never reaches the service";

  const Reply foreign = call(Verb::options, "/contracts/1", "",
                             {{bhttp::field::origin, "http://evil.example"},
                              {bhttp::field::access_control_request_method, "GET"}});
  EXPECT_EQ(foreign.response.result(), Status::forbidden);
}

TEST_F(GatewayTest, AddsAllowOriginToAnswersWhenTheRequestHasAnOrigin) {
  start(contract_.url(), pay_.url(), closed_url());
  const Reply with = call(Verb::get, "/contracts/1", "", {{bhttp::field::origin, "http://shop.example"}});
  EXPECT_EQ(with.response[bhttp::field::access_control_allow_origin], "http://shop.example");
  const Reply without = call(Verb::get, "/contracts/1");
  EXPECT_EQ(without.response.count(bhttp::field::access_control_allow_origin), 0u);
  const Reply failed = call(Verb::get, "/reservations", "", {{bhttp::field::origin, "http://shop.example"}});
  EXPECT_EQ(failed.response.result(), Status::service_unavailable);
  EXPECT_EQ(failed.response[bhttp::field::access_control_allow_origin], "http://shop.example");
}

TEST_F(GatewayTest, ServiceSeesTheOriginalHostAndForwardedHeaders) {
  start(contract_.url(), pay_.url(), closed_url());
  const std::string host = "localhost:" + std::to_string(gateway_->port());
  Request req{Verb::post, "/contracts", 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::connection, "keep-alive, x-hop");
  req.set("X-Hop", "for the gateway only");  // named by Connection: not forwarded
  const Reply r = client_.send(Endpoint{"127.0.0.1", gateway_->port()}, std::move(req), 5s);
  ASSERT_TRUE(r.answered());
  // The service built Location from the Host it saw: the gateway's, as the client used it.
  EXPECT_EQ(r.response[bhttp::field::location], "http://" + host + "/contracts/1");
  const auto seen = contract_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0][bhttp::field::host], host);
  EXPECT_EQ(seen[0]["X-Forwarded-Host"], host);
  EXPECT_EQ(seen[0]["X-Forwarded-Port"], std::to_string(gateway_->port()));
  EXPECT_EQ(seen[0]["X-Forwarded-Proto"], "http");
  EXPECT_EQ(seen[0]["X-Forwarded-For"], "127.0.0.1");
  EXPECT_EQ(seen[0].count("X-Hop"), 0u);
}

// A client's X-Request-Deadline once reached the service (504 at once); its X-Forwarded-Host
// ended up in every link. Only the gateway writes these; Idempotency-Key is the client's own.
TEST_F(GatewayTest, ReplacesInternalAndForwardedHeadersAClientSentWithItsOwn) {
  start(contract_.url(), pay_.url(), closed_url());
  const std::string host = "localhost:" + std::to_string(gateway_->port());
  Request req{Verb::get, "/contracts", 11};
  req.set(bhttp::field::host, host);
  req.set("X-Request-Deadline", "1");
  req.set("X-Auth-Owner", "someone");
  req.set("X-Hexa-Anything", "x");
  req.set("X-Hexa-Gateway", "");  // "a service call": a client may not say it
  req.set("X-Forwarded-Host", "evil.example");
  req.set("X-Forwarded-Proto", "javascript");
  req.set("X-Forwarded-Port", "666");
  req.set("X-Forwarded-For", "6.6.6.6");
  req.set(bhttp::field::forwarded, "for=6.6.6.6;host=evil.example");
  req.set("Idempotency-Key", "k-1");
  const auto before = hexa::now_ms();
  const Reply r = client_.send(Endpoint{"127.0.0.1", gateway_->port()}, std::move(req), 5s);
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(r.response.result(), Status::ok);
  const auto seen = contract_.seen();
  ASSERT_EQ(seen.size(), 1u);
  const auto deadline = std::stoll(std::string(seen[0]["X-Request-Deadline"]));
  EXPECT_GE(deadline, before + 300);  // upstream.timeout-ms
  EXPECT_LE(deadline, hexa::now_ms() + 300);
  EXPECT_EQ(seen[0].count("X-Auth-Owner"), 0u);
  EXPECT_EQ(seen[0].count("X-Hexa-Anything"), 0u);
  EXPECT_EQ(seen[0]["X-Hexa-Gateway"], "open") << "from outside, through a gateway that checks nobody (rest/caller.hpp)";
  EXPECT_EQ(seen[0].count(bhttp::field::forwarded), 0u);
  EXPECT_EQ(seen[0]["X-Forwarded-Host"], host);
  EXPECT_EQ(seen[0]["X-Forwarded-Proto"], "http");
  EXPECT_EQ(seen[0]["X-Forwarded-Port"], std::to_string(gateway_->port()));
  EXPECT_EQ(seen[0]["X-Forwarded-For"], "127.0.0.1");
  EXPECT_EQ(seen[0]["Idempotency-Key"], "k-1");
}

TEST_F(GatewayTest, BelievesForwardedHeadersOnlyFromATrustedProxyAndChecksThem) {
  start(contract_.url(), pay_.url(), closed_url(), "  trusted-proxies: 127.0.0.1\n");
  const auto via_proxy = [&](const std::string& forwarded_host) {
    Request req{Verb::get, "/contracts", 11};
    req.set("X-Forwarded-Host", forwarded_host);
    req.set("X-Forwarded-Proto", "https");
    req.set("X-Forwarded-For", "203.0.113.7");
    return client_.send(Endpoint{"127.0.0.1", gateway_->port()}, std::move(req), 5s);
  };
  ASSERT_EQ(via_proxy("rental.example").response.result(), Status::ok);
  const auto seen = contract_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["X-Forwarded-Host"], "rental.example");
  EXPECT_EQ(seen[0]["X-Forwarded-Proto"], "https");
  EXPECT_EQ(seen[0]["X-Forwarded-For"], "203.0.113.7, 127.0.0.1");
  for (const char* bad : {"javascript://evil.example", "a b", "\xff.example"})
    EXPECT_EQ(via_proxy(bad).response.result(), Status::bad_request) << bad;
  EXPECT_EQ(contract_.seen().size(), 1u);
}

TEST_F(GatewayTest, TellsServicesTheConfiguredPublicUrl) {
  start(contract_.url(), pay_.url(), closed_url(), "  public-url: https://rental.example\n");
  Request req{Verb::get, "/contracts", 11};
  req.set(bhttp::field::host, "javascript");
  ASSERT_EQ(client_.send(Endpoint{"127.0.0.1", gateway_->port()}, std::move(req), 5s).response.result(), Status::ok);
  const auto seen = contract_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["X-Forwarded-Host"], "rental.example");
  EXPECT_EQ(seen[0]["X-Forwarded-Proto"], "https");
}

// Writes only services make (contract calls pay) are not routed from outside.
TEST_F(GatewayTest, RoutesOnlyTheMethodsARouteAllows) {
  start(contract_.url(), pay_.url(), closed_url(), "", "    methods: [GET]\n");
  const Reply created = call(Verb::post, "/pays", R"({"contractId":1,"amt":1})",
                             {{bhttp::field::content_type, "application/json"}});
  ASSERT_TRUE(created.answered()) << created.error;
  EXPECT_EQ(created.response.result(), Status::method_not_allowed);
  EXPECT_EQ(created.response[bhttp::field::allow], "GET");
  EXPECT_EQ(json_of(created)["status"], 405);
  EXPECT_EQ(call(Verb::patch, "/pays/1", "{}").response.result(), Status::method_not_allowed);
  EXPECT_TRUE(pay_.seen().empty());
  EXPECT_EQ(call(Verb::get, "/pays/1").response.result(), Status::ok);
  EXPECT_EQ(call(Verb::post, "/contracts", "{}").response.result(), Status::created) << "other routes unchanged";
}

TEST_F(GatewayTest, SpreadsRequestsOverReplicasInTurn) {
  Upstream second("contract-2");
  start(contract_.url() + ", " + second.url(), pay_.url(), closed_url());
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) order.push_back(json_of(call(Verb::get, "/contracts"))["upstream"]);
  EXPECT_EQ(order, (std::vector<std::string>{"contract", "contract-2", "contract", "contract-2"}));
}

TEST_F(GatewayTest, ReportsItsOwnHealth) {
  start(contract_.url(), pay_.url(), closed_url());
  for (const char* path : {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
    const Reply r = call(Verb::get, path);
    ASSERT_TRUE(r.answered()) << path;
    EXPECT_EQ(r.response.result(), Status::ok) << path;
    EXPECT_EQ(json_of(r)["status"], "UP") << path;
  }
}

TEST(GatewayConfig, TheFirstMatchingRouteInFileOrderWins) {
  Upstream special("special"), general("general");
  // Route 2 is the specific one, route 10 the catch-all: in text order "10" would come first.
  std::string yaml = "server: {port: 0}\nroutes:\n";
  for (int i = 0; i < 11; ++i) {
    const std::string n = std::to_string(i);
    if (i == 2) yaml += "  - {id: special, service: special, paths: [/contracts/special/**]}\n";
    else if (i == 10) yaml += "  - {id: general, service: general, paths: [/contracts/**]}\n";
    else yaml += "  - {id: r" + n + ", service: general, paths: [/r" + n + "]}\n";
  }
  yaml += "services:\n  special: {url: '" + special.url() + "'}\n  general: {url: '" +
          general.url() + "'}\n";
  hexa::gateway::Gateway gateway(hexa::Config::from_string(
      yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; }));
  gateway.start();
  Client client;
  const auto upstream_of = [&](const std::string& target) {
    const Reply r = client.send({"127.0.0.1", gateway.port()}, Request{Verb::get, target, 11}, 5s);
    return Json::parse(r.response.body())["upstream"].get<std::string>();
  };
  EXPECT_EQ(upstream_of("/contracts/special/1"), "special");
  EXPECT_EQ(upstream_of("/contracts/1"), "general");
}

TEST(GatewayConfig, RefusesARouteWithoutAServiceAddress) {
  const auto config = hexa::Config::from_string(
      "routes:\n  - {id: x, service: x, paths: [/x/**]}\n", {"default"},
      [](const std::string&) { return std::optional<std::string>{}; });
  EXPECT_THROW(hexa::gateway::Gateway{config}, std::runtime_error);
}

}  // namespace
