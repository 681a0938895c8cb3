// The gateway's copy of the auth service's keys: fetched on need, refreshed, refetched for a
// rotated key but not for every made-up key id. A fake clock moves time; a loopback server
// plays the auth service.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hexa/auth/jwks.hpp"
#include "hexa/auth/rsa_key.hpp"
#include "hexa/gateway/jwks_cache.hpp"
#include "hexa/http/server.hpp"
#include "hexa/resilience/clock.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::auth::KeySet;
using hexa::auth::RsaKey;
using hexa::gateway::JwksCache;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Status;
using hexa::resilience::FakeClock;

// Serves a key set at /jwks, counts fetches, can fail or hold answers back.
class KeyServer {
 public:
  KeyServer() : server_({}, [this](Request&& req, Responder respond) { on_request(std::move(req), std::move(respond)); }) {
    server_.start();
  }
  ~KeyServer() { release(); }

  void serve(const KeySet& keys) {
    std::lock_guard lock(m_);
    body_ = keys.to_json();
    failing_ = false;
  }
  void fail() {
    std::lock_guard lock(m_);
    failing_ = true;
  }
  void hold() { held_ = true; }
  void release() {
    std::vector<std::pair<Request, Responder>> held;
    {
      std::lock_guard lock(m_);
      held_ = false;
      held.swap(waiting_);
    }
    for (auto& [req, respond] : held) respond(answer(req));
  }
  int fetches() const { return fetches_; }
  std::uint16_t port() const { return server_.port(); }

 private:
  void on_request(Request&& req, Responder respond) {
    ++fetches_;
    std::unique_lock lock(m_);
    if (held_) {
      waiting_.emplace_back(std::move(req), std::move(respond));
      return;
    }
    lock.unlock();
    respond(answer(req));
  }
  hexa::http::Response answer(const Request& req) {
    std::lock_guard lock(m_);
    return hexa::http::json_response(req, failing_ ? Status::internal_server_error : Status::ok, body_);
  }

  std::mutex m_;
  std::string body_ = R"({"keys":[]})";
  bool failing_ = false;
  std::atomic<bool> held_{false};
  std::atomic<int> fetches_{0};
  std::vector<std::pair<Request, Responder>> waiting_;
  hexa::http::Server server_;  // last: stops before the members it uses go
};

// What a with_keys() call handed back, waited for with a deadline.
class Answer {
 public:
  std::function<void(JwksCache::Keys)> callback() {
    return [this](JwksCache::Keys keys) { promise_.set_value(std::move(keys)); };
  }
  JwksCache::Keys get() {
    if (future_.wait_for(10s) != std::future_status::ready) throw std::runtime_error("no answer within 10 s");
    return future_.get();
  }
  bool arrived() { return future_.wait_for(0s) == std::future_status::ready; }

 private:
  std::promise<JwksCache::Keys> promise_;
  std::future<JwksCache::Keys> future_ = promise_.get_future();
};

class Jwks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    first_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
    second_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
  }
  static void TearDownTestSuite() {
    first_.reset();
    second_.reset();
  }
  static KeySet set_of(std::initializer_list<const RsaKey*> keys) {
    KeySet set;
    for (const auto* k : keys) set.add(k->thumbprint(), *k);
    return set;
  }
  JwksCache::Keys keys_for(const std::string& kid) {
    Answer answer;
    cache_.with_keys(kid, answer.callback());
    return answer.get();
  }
  static std::string kid1() { return first_->thumbprint(); }
  static std::string kid2() { return second_->thumbprint(); }

  static std::unique_ptr<RsaKey> first_, second_;
  FakeClock clock_;
  KeyServer server_;
  hexa::http::Client client_;
  JwksCache cache_{client_,
                   {{"127.0.0.1", server_.port()}, "/jwks", 5s, std::chrono::seconds(300), std::chrono::seconds(10), 1000ms},
                   clock_.clock()};
};

std::unique_ptr<RsaKey> Jwks::first_, Jwks::second_;

TEST_F(Jwks, FetchesOnFirstNeedThenAnswersKnownKeysAtOnce) {
  server_.serve(set_of({first_.get()}));
  const auto keys = keys_for(kid1());
  ASSERT_TRUE(keys);
  EXPECT_NE(keys->find(kid1()), nullptr);
  EXPECT_EQ(server_.fetches(), 1);
  Answer again;
  cache_.with_keys(kid1(), again.callback());
  EXPECT_TRUE(again.arrived()) << "a known key is answered synchronously, no fetch";
  EXPECT_EQ(server_.fetches(), 1);
}

TEST_F(Jwks, AnUnknownKeyIdRefetchesAtMostOncePerWindow) {
  server_.serve(set_of({first_.get()}));
  keys_for(kid1());
  server_.serve(set_of({first_.get(), second_.get()}));  // the auth service rotated its key
  EXPECT_EQ(keys_for(kid2())->find(kid2()), nullptr) << "too soon after the last fetch";
  EXPECT_EQ(server_.fetches(), 1);
  clock_.advance(10s);
  EXPECT_NE(keys_for(kid2())->find(kid2()), nullptr);
  EXPECT_EQ(server_.fetches(), 2);
  for (int i = 0; i < 20; ++i) keys_for("made-up-" + std::to_string(i));
  EXPECT_EQ(server_.fetches(), 2) << "made-up key ids cannot make the gateway hammer the auth service";
}

TEST_F(Jwks, ConcurrentNeedsShareOneFetch) {
  server_.serve(set_of({first_.get()}));
  server_.hold();
  std::vector<std::unique_ptr<Answer>> answers;
  for (int i = 0; i < 3; ++i) {
    answers.push_back(std::make_unique<Answer>());
    cache_.with_keys(kid1(), answers.back()->callback());
  }
  server_.release();
  for (auto& a : answers) EXPECT_NE(a->get()->find(kid1()), nullptr);
  EXPECT_EQ(server_.fetches(), 1);
}

TEST_F(Jwks, AnOldSetIsRefreshedBehindTheCallersBack) {
  server_.serve(set_of({first_.get()}));
  keys_for(kid1());
  server_.serve(set_of({second_.get()}));  // first key withdrawn
  clock_.advance(301s);
  EXPECT_NE(keys_for(kid1())->find(kid1()), nullptr) << "answered from the old set while the refresh runs";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (keys_for(kid1())->find(kid1()) != nullptr) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the refresh never landed";
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(server_.fetches(), 2);
}

TEST_F(Jwks, TheCurrentSetIsWhatWeHoldAndAlsoRefreshedWhenOld) {
  EXPECT_EQ(cache_.current(), nullptr) << "nothing fetched yet, and current() alone does not fetch";
  server_.serve(set_of({first_.get()}));
  keys_for(kid1());
  const auto held = cache_.current();
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(server_.fetches(), 1);
  server_.serve(set_of({second_.get()}));
  clock_.advance(301s);
  EXPECT_EQ(cache_.current(), held) << "the old set while the refresh runs";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (cache_.current() == held) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the refresh never landed";
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_NE(cache_.current()->find(kid2()), nullptr);
  EXPECT_EQ(server_.fetches(), 2);
}

TEST_F(Jwks, AnUnreachableSetGivesNoKeysAndIsAskedAgainAfterASecond) {
  server_.fail();
  EXPECT_EQ(keys_for(kid1()), nullptr);
  EXPECT_EQ(keys_for(kid1()), nullptr);
  EXPECT_EQ(server_.fetches(), 1);
  server_.serve(set_of({first_.get()}));
  clock_.advance(1s);
  ASSERT_NE(keys_for(kid1()), nullptr);
  EXPECT_EQ(server_.fetches(), 2);
}

TEST_F(Jwks, AFailedRefreshKeepsTheKeysWeHad) {
  server_.serve(set_of({first_.get()}));
  keys_for(kid1());
  server_.fail();
  clock_.advance(10s);
  const auto keys = keys_for(kid2());  // unknown: refetch, which fails
  ASSERT_NE(keys, nullptr);
  EXPECT_NE(keys->find(kid1()), nullptr);
  EXPECT_EQ(server_.fetches(), 2);
}

}  // namespace
