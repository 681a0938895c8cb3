// The one door for synchronous calls: retries only idempotent calls, the breaker stops calling
// a failing service, the deadline travels with the request.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include <fmt/format.h>

#include "hexa/client/question_scope.hpp"
#include "hexa/client/remote_caller.hpp"
#include "hexa/http/server.hpp"
#include "hexa/model/errors.hpp"
#include "hexa/rest/resource_core.hpp"

namespace {

class RemoteCallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<hexa::http::Server>(hexa::http::ServerOptions{}, [this](hexa::http::Request&& req,
                                                                                        hexa::http::Responder respond) {
      if (++calls_ == 1 && hold_first_) {  // never answered in time: the caller cannot tell
        std::lock_guard lock(mutex_);
        held_.push_back(std::move(respond));
        return;
      }
      {
        std::lock_guard lock(mutex_);
        last_deadline_ = std::string(req[hexa::rest::kDeadlineHeader]);
        last_key_ = std::string(req[hexa::kIdempotencyKeyHeader]);
      }
      respond(hexa::http::error_response(req, status_, "answer"));
    });
    server_->start();
  }

  hexa::RemoteCaller caller(const std::string& extra) {
    config_ = hexa::Config::from_string("services:\n  pay:\n    url: http://127.0.0.1:" +
                                            std::to_string(server_->port()) + "\nclients:\n  pay:\n" + extra,
                                        {}, [](const std::string&) { return std::nullopt; });
    return hexa::RemoteCaller(client_, config_, "pay", metrics_);
  }

  std::unique_ptr<hexa::http::Server> server_;
  hexa::http::Client client_;
  hexa::Config config_;
  hexa::Metrics metrics_;
  std::atomic<int> calls_{0};
  hexa::http::Status status_ = hexa::http::Status::service_unavailable;
  std::mutex mutex_;
  std::string last_deadline_;
  std::string last_key_;
  bool hold_first_ = false;
  std::vector<hexa::http::Responder> held_;
};

const std::string kRetry =
    "    timeout-ms: 500\n    retry:\n      max-attempts: 3\n      initial-backoff-ms: 1\n"
    "    circuit-breaker:\n      enabled: false\n";

TEST_F(RemoteCallerTest, RetriesReadsButNotPlainWrites) {
  auto pay = caller(kRetry);
  EXPECT_THROW(pay.call(hexa::http::Verb::get, "/pays", std::nullopt), hexa::Unavailable);
  EXPECT_EQ(calls_, 3);
  calls_ = 0;
  EXPECT_THROW(pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object()), hexa::Unavailable);
  EXPECT_EQ(calls_, 1) << "a POST that is not idempotent is never repeated";
  calls_ = 0;
  EXPECT_THROW(pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object(), std::nullopt,
                        hexa::Idempotent::Yes),
               hexa::Unavailable);
  EXPECT_EQ(calls_, 3);
}

TEST_F(RemoteCallerTest, ClientErrorsAreNotRetriedAndNotFoundIsEmpty) {
  status_ = hexa::http::Status::not_found;
  auto pay = caller(kRetry);
  EXPECT_FALSE(pay.call(hexa::http::Verb::get, "/pays/9", std::nullopt).has_value());
  EXPECT_EQ(calls_, 1);
}

TEST_F(RemoteCallerTest, OpenBreakerStopsCallingAtOnce) {
  auto pay = caller(
      "    circuit-breaker:\n      minimum-calls: 2\n      window-size: 2\n      wait-in-open-ms: 60000\n");
  EXPECT_THROW(pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object()), hexa::Unavailable);
  EXPECT_THROW(pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object()), hexa::Unavailable);
  EXPECT_EQ(calls_, 2);
  try {
    pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object());
    FAIL() << "an open breaker must refuse";
  } catch (const hexa::Unavailable& e) {
    EXPECT_NE(std::string(e.what()).find("circuit breaker for pay is open"), std::string::npos);
  }
  EXPECT_EQ(calls_, 2) << "the failing service was not called again";
  EXPECT_NE(metrics_.render().find("resilience4j_circuitbreaker_state{name=\"pay\",state=\"open\"} 1"),
            std::string::npos);
}

TEST_F(RemoteCallerTest, TheDeadlineTravelsWithTheRequest) {
  status_ = hexa::http::Status::ok;
  auto pay = caller("    timeout-ms: 610\n");
  const auto before = hexa::now_ms();
  pay.call(hexa::http::Verb::get, "/pays", std::nullopt);
  std::lock_guard lock(mutex_);
  const auto deadline = std::stoll(last_deadline_);
  EXPECT_GE(deadline, before + 600);
  EXPECT_LE(deadline, hexa::now_ms() + 610);
}

TEST_F(RemoteCallerTest, RefusedConnectionsAreCertainTimeoutsAreNot) {
  status_ = hexa::http::Status::ok;
  auto pay = caller("    timeout-ms: 200\n");
  server_->stop();
  EXPECT_THROW(
      {
        try {
          pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object());
        } catch (const hexa::Uncertain&) {
          FAIL() << "a refused connection is a certain no";
        }
      },
      hexa::Unavailable);
}

TEST_F(RemoteCallerTest, ANoAfterAnAttemptOfUnknownOutcomeIsStillUnknown) {
  // The first POST times out (the callee may have acted); its retry is answered 503. The 503
  // proves nothing about the first attempt: the call is Uncertain, never a certain no.
  hold_first_ = true;
  auto pay = caller("    timeout-ms: 150\n    retry:\n      max-attempts: 2\n      initial-backoff-ms: 1\n"
                    "    circuit-breaker:\n      enabled: false\n");
  EXPECT_THROW(pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object(), hexa::now_ms() + 2000,
                        hexa::Idempotent::Yes),
               hexa::Uncertain);
  EXPECT_EQ(calls_, 2) << "the retry was sent";
}

TEST_F(RemoteCallerTest, AStepsIdempotencyKeyTravelsAsAHeaderAndMakesTheCallRetryable) {
  auto pay = caller(kRetry);
  const hexa::StepContext step{hexa::now_ms() + 2000, "0193-event:1"};
  EXPECT_THROW(pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object(), step), hexa::Unavailable);
  EXPECT_EQ(calls_, 3) << "a POST with a key is safe to repeat: the callee acts once";
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(last_key_, "0193-event:1");
  }
  status_ = hexa::http::Status::created;
  pay.call(hexa::http::Verb::post, "/pays", hexa::rest::Json::object());
  std::lock_guard lock(mutex_);
  EXPECT_EQ(last_key_, "") << "no key, no header";
}

// A callee's domain saying no is not the callee being down: a saga undoes on the first, and
// retries on the second.
TEST_F(RemoteCallerTest, ClientErrorsAreRefusalsServerErrorsAreUnavailable) {
  auto pay = caller(kRetry);
  for (auto status : {hexa::http::Status::conflict, hexa::http::Status::bad_request, hexa::http::Status::not_found}) {
    status_ = status;
    calls_ = 0;
    try {
      pay.call(hexa::http::Verb::patch, "/pays/1", hexa::rest::Json::object(), std::nullopt, hexa::Idempotent::Yes);
      FAIL() << "a " << static_cast<int>(status) << " must be a refusal";
    } catch (const hexa::Unavailable&) {
      FAIL() << "a " << static_cast<int>(status) << " is a refusal, not Unavailable";
    } catch (const hexa::Refused& e) {
      EXPECT_EQ(e.status(), static_cast<int>(status));
      EXPECT_EQ(std::string(e.what()), fmt::format("pay refused ({}): answer", static_cast<int>(status)))
          << "the callee's reason, lifted from its error JSON";
    }
    EXPECT_EQ(calls_, 1) << "a refusal is not retried";
  }
  status_ = hexa::http::Status::internal_server_error;
  EXPECT_THROW(pay.call(hexa::http::Verb::patch, "/pays/1", hexa::rest::Json::object()), hexa::Unavailable);
}

}  // namespace

// How many calls may be in flight: found from the callee's latency unless sized by hand.
TEST_F(RemoteCallerTest, TheConcurrencyLimitIsAdaptiveUnlessSizedByHandOrSwitchedOff) {
  using Concurrency = hexa::CallPolicy::Concurrency;
  status_ = hexa::http::Status::ok;
  {
    auto pay = caller("    timeout-ms: 610\n");
    EXPECT_EQ(pay.policy().concurrency, Concurrency::Adaptive);
    EXPECT_NE(metrics_.render().find("hexa_client_concurrency_limit{name=\"pay\"} 10"), std::string::npos);
    for (int i = 0; i < 10; ++i) pay.call(hexa::http::Verb::get, "/pays", std::nullopt);
    EXPECT_NE(metrics_.render().find("hexa_client_concurrency_limit{name=\"pay\"} 20"), std::string::npos)
        << "a window of answers far under the timeout doubles the limit\n"
        << metrics_.render();
  }
  EXPECT_EQ(caller("    bulkhead:\n      max-concurrent: 3\n").policy().concurrency, Concurrency::Fixed);
  EXPECT_EQ(caller("    concurrency: none\n").policy().concurrency, Concurrency::None);
  EXPECT_THROW(caller("    concurrency: some\n"), std::runtime_error);
  EXPECT_THROW(caller("    concurrency: fixed\n"), std::runtime_error) << "fixed needs its number";
  EXPECT_THROW(caller("    concurrency: adaptive\n    bulkhead:\n      max-concurrent: 3\n"), std::runtime_error)
      << "a size the adaptive limit would ignore";
}

// A reconciler's question (QuestionScope) may wait reconcile-timeout-ms for its answer; every
// other call keeps timeout-ms. By default the question waits five times the call.
TEST(CallPolicyTest, AReconcilersQuestionWaitsLongerThanTheCallItAsksAbout) {
  std::vector<std::chrono::milliseconds> given;
  const hexa::RemoteCaller::Transport transport = [&given](const hexa::http::Endpoint&, hexa::http::Request req,
                                                           std::chrono::milliseconds timeout) {
    given.push_back(timeout);
    hexa::http::Response res{hexa::http::Status::ok, req.version()};
    res.body() = "{}";
    return hexa::http::Reply{hexa::http::Failure::None, std::move(res), {}};
  };
  const auto config = [](const std::string& extra) {
    return hexa::Config::from_string("services:\n  pay:\n    url: http://127.0.0.1:1\nclients:\n  pay:\n"
                                     "    timeout-ms: 610\n" + extra,
                                     {}, [](const std::string&) { return std::nullopt; });
  };
  hexa::Metrics metrics;
  const auto configured = config("    reconcile-timeout-ms: 3000\n");
  hexa::RemoteCaller pay(transport, configured, "pay", metrics);
  pay.call(hexa::http::Verb::get, "/pays", std::nullopt);
  {
    hexa::QuestionScope question;
    pay.call(hexa::http::Verb::get, "/pays", std::nullopt);
  }
  pay.call(hexa::http::Verb::get, "/pays", std::nullopt);
  ASSERT_EQ(given.size(), 3u);
  EXPECT_NEAR(given[0].count(), 610, 5);
  EXPECT_NEAR(given[1].count(), 3000, 5) << "the question waits reconcile-timeout-ms";
  EXPECT_NEAR(given[2].count(), 610, 5) << "the scope ended with the question";

  const auto defaults = config("");
  EXPECT_EQ(hexa::CallPolicy::from(defaults, "pay").reconcile_timeout_ms, 5 * 610);
  const auto shorter = config("    reconcile-timeout-ms: 300\n");
  EXPECT_THROW(hexa::CallPolicy::from(shorter, "pay"), std::runtime_error) << "a question shorter than the call";
}
