// Tokens already verified skip the RSA check, but never their time limits, and only under the
// very key set that verified them.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "hexa/gateway/verified_tokens.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::gateway::VerifiedTokens;
using SysClock = std::chrono::system_clock;

constexpr std::int64_t kNow = 1'800'000'000;
const SysClock::time_point kNowTime{std::chrono::seconds(kNow)};

nlohmann::json claims(std::int64_t nbf, std::int64_t exp) {
  return {{"sub", "customer"}, {"roles", {"CUSTOMER"}}, {"nbf", nbf}, {"exp", exp}};
}

TEST(VerifiedTokens, AKnownTokenGivesItsIdentityWithinItsLifetimeOnly) {
  VerifiedTokens cache;
  const auto keys = std::make_shared<const hexa::auth::KeySet>();
  EXPECT_FALSE(cache.find("t", keys, kNowTime, 30s));
  cache.remember("t", keys, claims(kNow - 10, kNow + 600));
  const auto identity = cache.find("t", keys, kNowTime, 30s);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->subject, "customer");
  EXPECT_EQ(identity->roles, std::vector<std::string>{"CUSTOMER"});
  EXPECT_TRUE(cache.find("t", keys, kNowTime + 629s, 30s));
  EXPECT_FALSE(cache.find("t", keys, kNowTime + 630s, 30s)) << "expired, cached or not";
  EXPECT_FALSE(cache.find("t", keys, kNowTime - 41s, 30s)) << "not valid yet";
  EXPECT_FALSE(cache.find("t2", keys, kNowTime, 30s)) << "other bytes, other token";
}

TEST(VerifiedTokens, AnotherKeySetMeansVerifyingAgain) {
  VerifiedTokens cache;
  const auto keys = std::make_shared<const hexa::auth::KeySet>();
  cache.remember("t", keys, claims(kNow, kNow + 600));
  const auto refreshed = std::make_shared<const hexa::auth::KeySet>();  // e.g. a key withdrawn
  EXPECT_FALSE(cache.find("t", refreshed, kNowTime, 30s));
}

TEST(VerifiedTokens, StaysWithinItsCapacity) {
  VerifiedTokens cache(100);
  const auto keys = std::make_shared<const hexa::auth::KeySet>();
  for (int i = 0; i < 1000; ++i) cache.remember(std::to_string(i), keys, claims(kNow, kNow + 600));
  EXPECT_LE(cache.size(), 100u);
  EXPECT_TRUE(cache.find("999", keys, kNowTime, 30s));
  VerifiedTokens off(0);
  off.remember("t", keys, claims(kNow, kNow + 600));
  EXPECT_FALSE(off.find("t", keys, kNowTime, 30s)) << "capacity 0: every request is verified";
}

}  // namespace
