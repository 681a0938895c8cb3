// Instances of a service behind the gateway: requests go round the instances that are ready;
// one that refuses connections or fails its readiness check leaves the rotation and comes back
// when ready, be it the only one (meanwhile: a fast 503); retries go to another instance, only
// when the request cannot have been acted on twice.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/gateway/routes.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

using namespace std::chrono_literals;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Status;
using hexa::http::Verb;
namespace asio = boost::asio;
using Json = nlohmann::json;

// An instance that answers with its name; its readiness can be switched off.
class Instance {
 public:
  explicit Instance(std::string name)
      : name_(std::move(name)), server_({}, [this](Request&& req, Responder respond) { on(std::move(req), std::move(respond)); }) {
    server_.start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  void set_ready(bool ready) { ready_ = ready; }
  int served(Verb verb) const { return verb == Verb::post ? posts_.load() : gets_.load(); }

 private:
  void on(Request&& req, Responder respond) {
    if (req.target() == "/actuator/health/readiness")
      return respond(hexa::http::json_response(req, ready_ ? Status::ok : Status::service_unavailable, "{}"));
    ++(req.method() == Verb::post ? posts_ : gets_);
    respond(hexa::http::json_response(req, req.method() == Verb::post ? Status::created : Status::ok,
                                      Json{{"instance", name_}}.dump()));
  }

  std::string name_;
  std::atomic<bool> ready_{true};
  std::atomic<int> gets_{0}, posts_{0};
  hexa::http::Server server_;  // last: stops first
};

// Accepts a connection, reads the whole request, then closes without answering: the request
// may have been processed, the gateway cannot know (Failure::Broken).
class Slammer {
 public:
  Slammer() : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}), thread_([this] { run(); }) {}
  ~Slammer() {
    stopping_ = true;
    try {  // wakes the blocking accept
      asio::ip::tcp::socket wake(ioc_);
      wake.connect(acceptor_.local_endpoint());
    } catch (const std::exception&) {
    }
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  int slammed() const { return slammed_; }

 private:
  void run() {
    while (!stopping_) {
      asio::ip::tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stopping_) continue;
      asio::streambuf buf;
      const auto header_end = asio::read_until(s, buf, "\r\n\r\n", ec);
      if (ec) continue;
      const std::string head(asio::buffers_begin(buf.data()), asio::buffers_begin(buf.data()) + header_end);
      std::size_t length = 0;
      if (const auto at = head.find("Content-Length: "); at != std::string::npos) length = std::stoul(head.substr(at + 16));
      if (buf.size() - header_end < length) asio::read(s, buf, asio::transfer_exactly(length - (buf.size() - header_end)), ec);
      ++slammed_;
      s.close();
    }
  }

  asio::io_context ioc_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> slammed_{0};
  std::thread thread_;
};

std::string closed_url() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
}

class Balancer : public ::testing::Test {
 protected:
  void start(const std::string& urls, int health_interval_ms, const std::string& control_token = "") {
    const std::string yaml = "server: {port: 0}\n"
                             "routes: [{id: contract, service: contract, paths: [/contracts/**]}]\n"
                             "services: {contract: {url: '" + urls + "'}}\n"
                             "upstream: {timeout-ms: 2000, health: {interval-ms: " + std::to_string(health_interval_ms) +
                             "}" + (control_token.empty() ? "" : ", control-token: " + control_token) + "}\n";
    gateway_ = std::make_unique<hexa::gateway::Gateway>(
        hexa::Config::from_string(yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; }));
    gateway_->start();
  }
  Reply call(Verb verb) {
    Request req{verb, "/contracts", 11};
    if (verb == Verb::post || verb == Verb::patch) {
      req.set(boost::beast::http::field::content_type, "application/json");
      req.body() = "{}";
    }
    return client_.send({"127.0.0.1", gateway_->port()}, std::move(req), 10s);
  }
  std::string instance_of(const Reply& r) {
    return r.answered() && r.response.result_int() < 300 ? Json::parse(r.response.body())["instance"].get<std::string>()
                                                         : "status " + std::to_string(r.response.result_int());
  }
  hexa::http::Client client_;
  std::unique_ptr<hexa::gateway::Gateway> gateway_;
};

TEST(Upstream, TakesInstancesInTurnSkippingThoseOutOfRotation) {
  hexa::gateway::Upstream u("s", {{"127.0.0.1", 1}, {"127.0.0.1", 2}, {"127.0.0.1", 3}});
  EXPECT_EQ(u.next(), 0u);
  EXPECT_EQ(u.next(), 1u);
  EXPECT_EQ(u.next(), 2u);
  EXPECT_TRUE(u.set_in_rotation(1, false));
  EXPECT_FALSE(u.set_in_rotation(1, false)) << "no change, nothing to report";
  std::vector<std::size_t> picked;
  for (int i = 0; i < 4; ++i) picked.push_back(*u.next());
  EXPECT_EQ(picked, (std::vector<std::size_t>{0, 2, 2, 0}));
  EXPECT_NE(u.next(0), 0u) << "a retry avoids the instance that just failed";
  u.set_in_rotation(0, false);
  EXPECT_EQ(u.next(2), std::nullopt) << "no other instance in rotation: no retry";
  u.set_in_rotation(2, false);
  EXPECT_EQ(u.next(), std::nullopt) << "none in rotation";
  u.set_in_rotation(1, true);
  EXPECT_EQ(u.next(), 1u);
}

TEST(Upstream, NewMembersJoinAndThoseLeftOutRetireKeepingTheirIndexes) {
  hexa::gateway::Upstream u("s", {{"127.0.0.1", 1}, {"127.0.0.1", 2}});
  u.set_members({{"127.0.0.1", 2}, {"127.0.0.1", 3}});
  EXPECT_EQ(u.size(), 3u) << "retired index 0 stays, the newcomer is 2";
  EXPECT_EQ(u.members(), 2u);
  EXPECT_FALSE(u.member(0));
  EXPECT_EQ(u.endpoint(2).port, 3);
  std::set<std::size_t> picked;
  for (int i = 0; i < 6; ++i) picked.insert(*u.next());
  EXPECT_EQ(picked, (std::set<std::size_t>{1, 2}));
  u.set_in_rotation(0, true);  // a late readiness answer for the retired one
  for (int i = 0; i < 6; ++i) EXPECT_NE(*u.next(), 0u);
  u.set_members({{"127.0.0.1", 1}});
  EXPECT_EQ(u.size(), 3u) << "an address coming back takes its old index";
  EXPECT_EQ(u.next(), 0u);
  EXPECT_EQ(u.next(), 0u);
}

Reply control(std::uint16_t gateway, const std::string& service, const std::string& body, const std::string& token) {
  hexa::http::Client client;
  Request req{Verb::put, "/actuator/upstreams/" + service, 11};
  req.set(boost::beast::http::field::content_type, "application/json");
  if (!token.empty()) req.set("X-Hexa-Control-Token", token);
  req.body() = body;
  return client.send({"127.0.0.1", gateway}, std::move(req), 5s);
}

TEST_F(Balancer, TheLauncherSwapsAServicesInstancesWithItsTokenOnly) {
  Instance a("a"), b("b");
  start(a.url(), 100, "s3cret");
  EXPECT_EQ(instance_of(call(Verb::get)), "a");
  const std::string to_b = Json{{"urls", {b.url()}}}.dump();
  EXPECT_EQ(control(gateway_->port(), "contract", to_b, "").response.result_int(), 403);
  EXPECT_EQ(control(gateway_->port(), "contract", to_b, "wrong").response.result_int(), 403);
  EXPECT_EQ(control(gateway_->port(), "contract", R"({"urls": "x"})", "s3cret").response.result_int(), 400);
  EXPECT_EQ(control(gateway_->port(), "nope", to_b, "s3cret").response.result_int(), 404);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(instance_of(call(Verb::get)), "a") << "refusals changed nothing";

  const auto applied = control(gateway_->port(), "contract", to_b, "s3cret");
  EXPECT_EQ(applied.response.result_int(), 200) << applied.response.body();
  const int served_by_a = a.served(Verb::get);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(instance_of(call(Verb::post)), "b") << "from the answer on, only b";
  EXPECT_EQ(a.served(Verb::get), served_by_a);
}

TEST_F(Balancer, WithoutAControlTokenTheControlPathIsRoutedLikeAnyOther) {
  Instance a("a"), b("b");
  start(a.url(), 100);
  const auto r = control(gateway_->port(), "contract", Json{{"urls", {b.url()}}}.dump(), "anything");
  EXPECT_EQ(r.response.result_int(), 404) << "no route for /actuator/upstreams";
  EXPECT_EQ(instance_of(call(Verb::get)), "a");
}

TEST_F(Balancer, AnInstanceThatRefusesConnectionsIsSkippedAndEveryRequestSucceeds) {
  Instance live("live");
  start(closed_url() + "," + live.url(), 0);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(instance_of(call(Verb::get)), "live") << i;
  EXPECT_EQ(instance_of(call(Verb::post)), "live") << "a refused connection never reached the service: safe to retry";
  EXPECT_EQ(live.served(Verb::get), 6);
}

TEST_F(Balancer, ABrokenConnectionIsRetriedForGetButNeverForPost) {
  Slammer slammer;
  Instance live("live");
  start(slammer.url() + "," + live.url(), 0);  // no readiness checks: the slammer stays in rotation
  EXPECT_EQ(instance_of(call(Verb::get)), "live");  // the slammer first, then the retry
  EXPECT_EQ(slammer.slammed(), 1);
  EXPECT_EQ(call(Verb::post).response.result(), Status::bad_gateway);  // the slammer's turn again
  EXPECT_EQ(slammer.slammed(), 2);
  EXPECT_EQ(live.served(Verb::post), 0) << "a POST that may have been processed is not sent twice";
  const int live_before = live.served(Verb::get);  // PATCH is counted with GET
  EXPECT_EQ(instance_of(call(Verb::get)), "live");  // live's turn
  EXPECT_EQ(call(Verb::patch).response.result(), Status::bad_gateway);
  EXPECT_EQ(slammer.slammed(), 3);
  EXPECT_EQ(live.served(Verb::get), live_before + 1) << "nor a PATCH";
}

TEST_F(Balancer, AnInstanceFailingItsReadinessLeavesTheRotationAndComesBack) {
  Instance a("a"), b("b");
  start(a.url() + "," + b.url(), 50);
  b.set_ready(false);
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < 4; ++i)
      if (instance_of(call(Verb::get)) != "a") return false;
    return true;
  })) << "b still gets requests while not ready";
  const int b_before = b.served(Verb::get);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(instance_of(call(Verb::get)), "a");
  EXPECT_EQ(b.served(Verb::get), b_before);
  b.set_ready(true);
  EXPECT_TRUE(eventually([&] { return instance_of(call(Verb::get)) == "b"; })) << "b never came back";
}

TEST_F(Balancer, ASingleInstanceThatIsNotReadyGetsNoRequestsAndA503UntilItIsReadyAgain) {
  Instance only("only");
  only.set_ready(false);
  start(only.url(), 60'000);  // checked at start only: what comes later is the request's own recheck
  // Until the first check has answered, the instance is in rotation and may get a request.
  ASSERT_TRUE(eventually([&] { return call(Verb::get).response.result() == Status::service_unavailable; }));
  const int served_before = only.served(Verb::get) + only.served(Verb::post);
  const auto begin = std::chrono::steady_clock::now();
  const Reply refused = call(Verb::post);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 500ms) << "fast";
  EXPECT_EQ(refused.response.result(), Status::service_unavailable);
  EXPECT_EQ(refused.response[boost::beast::http::field::retry_after], "1");
  EXPECT_EQ(Json::parse(refused.response.body())["message"], "service contract is unavailable: no instance is ready");
  EXPECT_EQ(only.served(Verb::get) + only.served(Verb::post), served_before) << "not ready: it gets nothing";
  only.set_ready(true);
  EXPECT_EQ(instance_of(call(Verb::get)), "only") << "back at once, not at the next periodic check";
  EXPECT_EQ(instance_of(call(Verb::post)), "only");
}

TEST_F(Balancer, AnInstanceThatRefusedIsBackAsSoonAsItIsReady) {
  const std::string url = closed_url();
  start(url, 60'000);
  EXPECT_EQ(call(Verb::get).response.result(), Status::service_unavailable);
  const auto port = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
  hexa::http::ServerOptions at_port;
  at_port.port = port;
  hexa::http::Server back(at_port, [](Request&& req, Responder respond) {
    respond(hexa::http::json_response(req, Status::ok, Json{{"instance", "back"}}.dump()));
  });
  back.start();
  EXPECT_EQ(instance_of(call(Verb::get)), "back");
}

}  // namespace
