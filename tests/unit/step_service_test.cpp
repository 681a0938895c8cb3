// A whole service (tests/programs/step_service) with a policy that sends on a webhook channel
// before its local step: started with events.start: latest it skips the history; while the
// webhook receiver is down its events are parked (counted at /actuator/prometheus), and once
// the receiver is back each arrives once, in order per key, and its Note is stored.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "../programs/child_process.hpp"
#include "hexa/client/step_context.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/events/payload.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"
#include "support/eventually.hpp"
#include "support/kafka_broker.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::testing::eventually;

class Receiver {
 public:
  void start(std::uint16_t port) {
    hexa::http::ServerOptions o;
    o.port = port;
    server_ = std::make_unique<hexa::http::Server>(o, [this](hexa::http::Request&& req, hexa::http::Responder respond) {
      {
        std::lock_guard lock(mutex_);
        got_.emplace_back(std::string(req[hexa::kIdempotencyKeyHeader]), req.body());
      }
      respond(hexa::http::json_response(req, hexa::http::Status::ok, "{}"));
    });
    server_->start();
  }
  std::vector<std::pair<std::string, std::string>> got() const {
    std::lock_guard lock(mutex_);
    return got_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> got_;  // key, body
  std::unique_ptr<hexa::http::Server> server_;
};

hexa::Event happened(const std::string& key, const std::string& text) {
  const auto time = hexa::now_ms();
  return {hexa::new_event_id(), "Happened", time, key, "elsewhere", "events",
          hexa::encode_payload("Happened", time, {{"caseId", key}, {"text", text}})};
}

}  // namespace

TEST(StepService, ParksWhileTheWebhookIsDownDeliversOnceInOrderWhenBackAndSkipsHistoryWhenLatest) {
  const auto dir = std::filesystem::temp_directory_path() / ("hexa-step-service-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto port = hexa::testing::free_tcp_port();
  const auto hook_port = hexa::testing::free_tcp_port();
  std::ofstream(dir / "application.yaml") << "server:\n  port: " << port << "\ndata:\n  dir: " << (dir / "data").string()
                                          << "\nstore:\n  url: sqlite:" << (dir / "stepper.db").string()
                                          << "\nbus:\n  url: log:" << (dir / "bus").string()
                                          << "\n  topic: events\nevents:\n  start: latest\n  retry:\n"
                                             "    initial-ms: 20\n    max-ms: 100\nchannels:\n  alerts:\n"
                                             "    type: webhook\n    url: http://127.0.0.1:"
                                          << hook_port << "/alerts\n    timeout-ms: 500\n";
  auto bus = hexa::open_bus("log:" + (dir / "bus").string());
  bus->publish({happened("0", "history")});

  hexa::testing::ChildProcess service(
      {hexa::testing::helper_program("step_service").string(), "--config", (dir / "application.yaml").string()});
  hexa::http::Client client;
  const hexa::http::Endpoint at{"127.0.0.1", port};
  auto get = [&](const std::string& target) -> std::optional<std::string> {
    auto reply = client.send(at, hexa::http::Request{hexa::http::Verb::get, target, 11}, 2s);
    if (!reply.answered() || reply.response.result_int() != 200) return std::nullopt;
    return reply.response.body();
  };
  ASSERT_TRUE(eventually([&] { return get("/actuator/health/readiness").has_value(); }, 20s));

  const std::vector<hexa::Event> events{happened("1", "a"), happened("2", "x"), happened("1", "b")};
  bus->publish(events);  // the receiver is down
  auto parked = [&] {
    auto text = get("/actuator/prometheus");
    return text && text->find("hexa_events_parked_total 3") != std::string::npos;
  };
  ASSERT_TRUE(eventually(parked, 10s)) << "all three wait: the webhook is down";
  auto retried = [&] {  // parked events are tried again while it stays down, and counted
    auto text = get("/actuator/prometheus");
    return text && text->find("hexa_events_retried_total ") != std::string::npos &&
           text->find("hexa_events_retried_total 0\n") == std::string::npos;
  };
  ASSERT_TRUE(eventually(retried, 10s)) << "retries are counted";
  auto notes = [&] {
    auto body = get("/notes");
    std::vector<std::string> out;
    if (!body) return out;
    const auto page = nlohmann::json::parse(*body);
    for (const auto& n : page["_embedded"]["notes"]) out.push_back(n["text"]);
    return out;
  };
  EXPECT_TRUE(notes().empty());

  Receiver receiver;
  receiver.start(hook_port);  // back
  ASSERT_TRUE(eventually([&] { return notes().size() == 3; }, 20s));
  const auto got = receiver.got();
  ASSERT_EQ(got.size(), 3u) << "each alert sent once";
  std::vector<std::string> key1;
  std::set<std::string> keys;
  for (const auto& [key, body] : got) {
    keys.insert(key);
    if (body != "x") key1.push_back(body);
    EXPECT_NE(body, "history") << "events.start: latest skips what was published before";
  }
  EXPECT_EQ(key1, (std::vector<std::string>{"a", "b"})) << "order per key";
  EXPECT_EQ(keys, (std::set<std::string>{events[0].id + ":0", events[1].id + ":0", events[2].id + ":0"}));
  service.signal(SIGTERM);
  const int status = service.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::filesystem::remove_all(dir);
}
