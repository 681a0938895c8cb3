// Password and client-secret hashes (PBKDF2-HMAC-SHA256).
#include <gtest/gtest.h>

#include "hexa/auth/password.hpp"

namespace {

using hexa::auth::hash_password;
using hexa::auth::is_password_hash;
using hexa::auth::verify_password;

constexpr unsigned kCheap = 1000;  // the lowest accepted cost: these tests check logic, not cost

TEST(Password, TheRightPasswordMatchesAndNoOtherDoes) {
  const auto hash = hash_password("customer-pass", kCheap);
  EXPECT_TRUE(verify_password("customer-pass", hash));
  EXPECT_FALSE(verify_password("customer-pas", hash));
  EXPECT_FALSE(verify_password("customer-pass ", hash));
  EXPECT_FALSE(verify_password("", hash));
}

TEST(Password, TheHashNeverHoldsThePasswordAndIsSaltedEachTime) {
  const auto a = hash_password("manager-pass", kCheap);
  const auto b = hash_password("manager-pass", kCheap);
  EXPECT_NE(a, b) << "a fresh salt each time";
  EXPECT_EQ(a.find("manager-pass"), std::string::npos);
  EXPECT_TRUE(a.starts_with("pbkdf2-sha256$1000$"));
  EXPECT_EQ(hexa::auth::hash_iterations(a), kCheap);
}

TEST(Password, TheDefaultCostIsOwasps) {
  EXPECT_EQ(hexa::auth::kDefaultIterations, 600'000u);
}

TEST(Password, MalformedOrUnreasonableHashesNeverMatch) {
  const auto good = hash_password("pw", kCheap);
  const auto salt_and_hash = good.substr(good.find('$', 14));  // "$<salt>$<hash>"
  for (const std::string& bad :
       {std::string("pw"), std::string(""), "pbkdf2-sha1$1000" + salt_and_hash, "pbkdf2-sha256$999" + salt_and_hash,
        "pbkdf2-sha256$99999999" + salt_and_hash, "pbkdf2-sha256$x" + salt_and_hash,
        good.substr(0, good.size() - 2), good + "$extra"}) {
    EXPECT_FALSE(is_password_hash(bad)) << bad;
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
  }
  EXPECT_TRUE(is_password_hash(good));
}

}  // namespace
