// Outbound channels: the kind from configuration; a webhook is a remote step (Idempotency-Key
// header, Unavailable when the receiver is down) and, sent from a policy, reaches a receiver
// that was down once it is back, once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "hexa/channels/channel.hpp"
#include "hexa/domain.hpp"
#include "hexa/events/payload.hpp"
#include "hexa/http/server.hpp"
#include "hexa/model/errors.hpp"
#include "hexa/runtime/policies.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;

hexa::Config config_of(const std::string& yaml) {
  return hexa::Config::from_string(yaml, {}, [](const std::string&) { return std::nullopt; });
}

// A webhook receiver on loopback that answers 200 and drops a key it has seen (as a receiver
// honouring Idempotency-Key does), counting what it got.
class Receiver {
 public:
  explicit Receiver(std::uint16_t port = 0) { start(port); }
  void start(std::uint16_t port) {
    hexa::http::ServerOptions o;
    o.port = port;
    server_ = std::make_unique<hexa::http::Server>(o, [this](hexa::http::Request&& req, hexa::http::Responder respond) {
      {
        std::lock_guard lock(mutex_);
        ++requests_;
        const std::string key(req[hexa::kIdempotencyKeyHeader]);
        if (keys_.insert(key).second) {
          bodies_.push_back(req.body());
          targets_.push_back(std::string(req.target()));
          types_.push_back(std::string(req[hexa::http::beast_http::field::content_type]));
        }
      }
      respond(hexa::http::json_response(req, status_, "{}"));
    });
    server_->start();
    port_ = server_->port();
  }
  void stop() { server_.reset(); }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  int requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::set<std::string> keys() const {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  std::string target() const {
    std::lock_guard lock(mutex_);
    return targets_.empty() ? "" : targets_.front();
  }
  std::string type() const {
    std::lock_guard lock(mutex_);
    return types_.empty() ? "" : types_.front();
  }
  hexa::http::Status status_ = hexa::http::Status::ok;

 private:
  mutable std::mutex mutex_;
  int requests_ = 0;
  std::set<std::string> keys_;
  std::vector<std::string> bodies_, targets_, types_;
  std::uint16_t port_ = 0;
  std::unique_ptr<hexa::http::Server> server_;
};

std::string webhook(std::uint16_t port) {
  return "channels:\n  alerts:\n    type: webhook\n    url: http://127.0.0.1:" + std::to_string(port) +
         "/hooks/alerts\n    timeout-ms: 500\n";
}

}  // namespace

TEST(Channels, TheKindComesFromConfigurationLogByDefault) {
  hexa::http::Client client;
  EXPECT_EQ(hexa::open_channel("alerts", config_of("{}"), client)->kind(), "log");
  EXPECT_EQ(hexa::open_channel("alerts", config_of("channels:\n  alerts:\n    type: log\n"), client)->kind(), "log");
  EXPECT_EQ(hexa::open_channel("alerts", config_of(webhook(1)), client)->kind(), "webhook");
  EXPECT_THROW(hexa::open_channel("alerts", config_of("channels:\n  alerts:\n    type: pigeon\n"), client),
               std::runtime_error);
  EXPECT_THROW(hexa::open_channel("alerts", config_of("channels:\n  alerts:\n    type: webhook\n"), client),
               std::runtime_error)
      << "a webhook without its url";
  hexa::open_channel("alerts", config_of("{}"), client)->send("hello", {hexa::now_ms() + 100, "k"});  // never fails
}

// A webhook switched to the log by one line keeps its other settings: the configuration check
// accepts them, and still refuses a misspelt one.
TEST(Channels, ALogChannelAcceptsTheWebhooksSettingsButNoTypo) {
  hexa::http::Client client;
  const auto logged = config_of("channels:\n  alerts:\n    type: log\n    url: http://127.0.0.1:1/hooks\n"
                                "    timeout-ms: 500\n");
  EXPECT_EQ(hexa::open_channel("alerts", logged, client)->kind(), "log");
  EXPECT_NO_THROW(logged.check_known());
  const auto typo = config_of("channels:\n  alerts:\n    type: log\n    timeout-msec: 500\n");
  hexa::open_channel("alerts", typo, client);
  EXPECT_THROW(typo.check_known(), std::runtime_error);
}

TEST(Channels, AWebhookPostsTheTextWithItsIdempotencyKey) {
  Receiver receiver;
  hexa::http::Client client;
  auto alerts = hexa::open_channel("alerts", config_of(webhook(receiver.port())), client);
  alerts->send(R"({"message":"booked"})", {hexa::now_ms() + 1000, "e1:0"});
  EXPECT_EQ(receiver.bodies(), std::vector<std::string>{R"({"message":"booked"})"});
  EXPECT_EQ(receiver.keys(), std::set<std::string>{"e1:0"});
  EXPECT_EQ(receiver.target(), "/hooks/alerts");
  EXPECT_EQ(receiver.type(), "application/json");
  receiver.status_ = hexa::http::Status::bad_request;
  EXPECT_THROW(alerts->send("x", {hexa::now_ms() + 1000, "e2:0"}), hexa::Refused);
  receiver.status_ = hexa::http::Status::bad_gateway;
  EXPECT_THROW(alerts->send("x", {hexa::now_ms() + 1000, "e3:0"}), hexa::Unavailable);
  receiver.stop();
  EXPECT_THROW(alerts->send("x", {hexa::now_ms() + 1000, "e4:0"}), hexa::Unavailable);
}

struct Booked {
  static constexpr std::string_view name = "Booked";
  static constexpr std::string_view key = "bookingId";
  std::int64_t bookingId = 0;
  static hexa::Fields<Booked> fields() { return {hexa::field("bookingId", &Booked::bookingId)}; }
};

TEST(Channels, AnAlertSentWhileTheReceiverIsDownIsRetriedAndArrivesOnce) {
  const auto dir = std::filesystem::temp_directory_path() / ("hexa-channels-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = hexa::open_store("sqlite:" + (dir / "notice.db").string());
  hexa::Transactor tx(*store, {"notice", "events"}, nullptr);
  auto receiver = std::make_unique<Receiver>();
  const auto port = receiver->port();
  receiver->stop();  // down
  hexa::http::Client client;
  auto alerts = hexa::open_channel("alerts", config_of(webhook(port)), client);
  hexa::PolicyOptions o;
  o.initial_ms = 1;
  o.max_ms = 20;
  hexa::Policies policies("notice", o);
  policies.migrate(*store);
  auto plan = std::make_shared<hexa::StepPlan>();
  policies.add_steps("Booked", plan);
  int recorded = 0;
  hexa::When<Booked>(plan)
      .call([&](const Booked& e, const hexa::StepContext& s) {
        alerts->send(R"({"booked":)" + std::to_string(e.bookingId) + "}", s);
      })
      .then([&](const Booked&, hexa::UnitOfWork&) { ++recorded; });
  const auto time = hexa::now_ms();
  const hexa::Event e{hexa::new_event_id(), "Booked", time, "7", "booking", "events",
                      hexa::encode_payload("Booked", time, hexa::to_record(Booked{7}))};
  EXPECT_EQ(policies.handle(std::span<const hexa::Event>(&e, 1), tx), 1u);
  EXPECT_EQ(policies.waiting(tx), 1) << "the receiver is down: parked, not dropped";
  policies.retry_parked(tx);
  receiver = std::make_unique<Receiver>(port);  // back
  ASSERT_TRUE(hexa::testing::eventually([&] {
    policies.retry_parked(tx);
    return policies.waiting(tx) == 0;
  }, 10s));
  EXPECT_EQ(receiver->bodies(), std::vector<std::string>{R"({"booked":7})"});
  EXPECT_EQ(receiver->keys(), std::set<std::string>{e.id + ":0"});
  EXPECT_EQ(recorded, 1);
  policies.handle(std::span<const hexa::Event>(&e, 1), tx);  // redelivered
  EXPECT_EQ(receiver->requests(), 1) << "sent once";
  store.reset();
  std::filesystem::remove_all(dir);
}
