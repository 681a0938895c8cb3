// Access tokens: what the gateway accepts and what it refuses (RS256 JWTs, RFC 7519/7515/7517).
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "hexa/auth/base64.hpp"
#include "hexa/auth/jwks.hpp"
#include "hexa/auth/jwt.hpp"
#include "hexa/auth/rsa_key.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::auth::base64url_decode;
using hexa::auth::base64url_encode;
using hexa::auth::JwtError;
using hexa::auth::KeySet;
using hexa::auth::RsaKey;
using Json = nlohmann::json;
using SysClock = std::chrono::system_clock;

constexpr std::int64_t kNow = 1'800'000'000;  // a fixed wall-clock instant: no real time involved
const SysClock::time_point kNowTime{std::chrono::seconds(kNow)};

// Generating RSA keys takes a while: once for the whole file.
class Jwt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signer_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
    stranger_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
  }
  static void TearDownTestSuite() {
    signer_.reset();
    stranger_.reset();
  }

  Jwt() { keys_.add(kid(), RsaKey::from_jwk(signer_->modulus(), signer_->exponent())); }

  static std::string kid() { return signer_->thumbprint(); }
  static Json claims() {
    return {{"iss", "urn:test:auth"}, {"sub", "customer"}, {"aud", "urn:test:api"},
            {"iat", kNow - 10},       {"nbf", kNow - 10},  {"exp", kNow + 900},
            {"roles", {"CUSTOMER"}}};
  }
  hexa::auth::VerifiedJwt verify(const std::string& token, SysClock::time_point now = kNowTime) const {
    return hexa::auth::verify_jwt(token, keys_, {"urn:test:auth", "urn:test:api", 30s}, now);
  }
  static std::string part(const Json& j) { return base64url_encode(j.dump()); }

  static std::unique_ptr<RsaKey> signer_;
  static std::unique_ptr<RsaKey> stranger_;
  KeySet keys_;
};

std::unique_ptr<RsaKey> Jwt::signer_;
std::unique_ptr<RsaKey> Jwt::stranger_;

TEST_F(Jwt, AValidTokenGivesItsClaims) {
  const auto result = verify(hexa::auth::sign_jwt(claims(), *signer_, kid()));
  ASSERT_TRUE(result.ok()) << describe(result.error);
  EXPECT_EQ(result.claims["sub"], "customer");
  EXPECT_EQ(result.claims["roles"], Json::array({"CUSTOMER"}));
}

TEST_F(Jwt, TheHeaderNamesRs256AndTheKeyId) {
  const auto header = hexa::auth::peek_header(hexa::auth::sign_jwt(claims(), *signer_, kid()));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->alg, "RS256");
  EXPECT_EQ(header->kid, kid());
}

TEST_F(Jwt, AnExpiredTokenIsRefusedOnceTheLeewayIsOver) {
  const auto token = hexa::auth::sign_jwt(claims(), *signer_, kid());
  EXPECT_TRUE(verify(token, kNowTime + 900s + 29s).ok()) << "30 s of clock skew are tolerated";
  EXPECT_EQ(verify(token, kNowTime + 900s + 30s).error, JwtError::Expired);
  EXPECT_EQ(verify(token, kNowTime + 24h).error, JwtError::Expired);
}

TEST_F(Jwt, ATokenWithoutExpiryIsRefused) {
  auto c = claims();
  c.erase("exp");
  EXPECT_EQ(verify(hexa::auth::sign_jwt(c, *signer_, kid())).error, JwtError::Expired);
}

TEST_F(Jwt, ATokenNotYetValidIsRefusedBeyondTheLeeway) {
  auto c = claims();
  c["nbf"] = kNow + 60;
  const auto token = hexa::auth::sign_jwt(c, *signer_, kid());
  EXPECT_EQ(verify(token).error, JwtError::NotYetValid);
  EXPECT_TRUE(verify(token, kNowTime + 31s).ok());
}

TEST_F(Jwt, AWrongIssuerOrAudienceIsRefused) {
  auto c = claims();
  c["iss"] = "urn:someone:else";
  EXPECT_EQ(verify(hexa::auth::sign_jwt(c, *signer_, kid())).error, JwtError::Issuer);
  c = claims();
  c["aud"] = "urn:other:api";
  EXPECT_EQ(verify(hexa::auth::sign_jwt(c, *signer_, kid())).error, JwtError::Audience);
  c.erase("aud");
  EXPECT_EQ(verify(hexa::auth::sign_jwt(c, *signer_, kid())).error, JwtError::Audience);
  c["aud"] = {"urn:other:api", "urn:test:api"};
  EXPECT_TRUE(verify(hexa::auth::sign_jwt(c, *signer_, kid())).ok()) << "an audience list naming us";
}

TEST_F(Jwt, ATamperedPayloadOrSignatureIsRefused) {
  const auto token = hexa::auth::sign_jwt(claims(), *signer_, kid());
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  auto promoted = claims();
  promoted["roles"] = {"MANAGER"};
  const std::string forged = token.substr(0, dot1 + 1) + part(promoted) + token.substr(dot2);
  EXPECT_EQ(verify(forged).error, JwtError::Signature);

  auto signature = *base64url_decode(token.substr(dot2 + 1));
  signature[10] = static_cast<char>(signature[10] ^ 0x01);
  EXPECT_EQ(verify(token.substr(0, dot2 + 1) + base64url_encode(signature)).error, JwtError::Signature);
}

TEST_F(Jwt, AnotherKeyClaimingOurKeyIdIsRefused) {
  EXPECT_EQ(verify(hexa::auth::sign_jwt(claims(), *stranger_, kid())).error, JwtError::Signature);
}

TEST_F(Jwt, AnUnknownOrMissingKeyIdIsRefused) {
  EXPECT_EQ(verify(hexa::auth::sign_jwt(claims(), *stranger_, stranger_->thumbprint())).error,
            JwtError::UnknownKey);
  const std::string signed_part = part({{"alg", "RS256"}}) + "." + part(claims());
  const std::string no_kid = signed_part + "." + base64url_encode(signer_->sign(signed_part));
  EXPECT_EQ(verify(no_kid).error, JwtError::UnknownKey);
}

TEST_F(Jwt, AlgNoneIsRefused) {
  const std::string unsigned_token = part({{"alg", "none"}, {"kid", kid()}}) + "." + part(claims()) + ".";
  EXPECT_FALSE(verify(unsigned_token).ok());
  EXPECT_EQ(verify(unsigned_token + "AAAA").error, JwtError::Algorithm);
  const std::string upper = part({{"alg", "NONE"}, {"kid", kid()}}) + "." + part(claims()) + ".AAAA";
  EXPECT_EQ(verify(upper).error, JwtError::Algorithm);
}

// The classic confusion: HS256 with the RSA public key as the HMAC secret.
TEST_F(Jwt, Hs256SignedWithThePublicKeyIsRefused) {
  const std::string secret = signer_->modulus();
  const std::string signed_part = part({{"alg", "HS256"}, {"kid", kid()}}) + "." + part(claims());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac, &size);
  const std::string token = signed_part + "." + base64url_encode({reinterpret_cast<char*>(mac), size});
  EXPECT_EQ(verify(token).error, JwtError::Algorithm);
}

TEST_F(Jwt, MalformedTokensAreRefused) {
  const auto token = hexa::auth::sign_jwt(claims(), *signer_, kid());
  for (const std::string& bad : {std::string(), std::string("abc"), std::string("a.b"), token + ".x",
                                 std::string("!!!.") + part(claims()) + ".AAAA",
                                 part(Json::array()) + "." + part(claims()) + ".AAAA",
                                 std::string(20000, 'a') + "." + part(claims()) + ".AAAA"}) {
    EXPECT_EQ(verify(bad).error, JwtError::Malformed) << bad.substr(0, 40);
  }
  auto critical = Json{{"alg", "RS256"}, {"kid", kid()}, {"crit", {"exp"}}};
  const std::string signed_part = part(critical) + "." + part(claims());
  EXPECT_EQ(verify(signed_part + "." + base64url_encode(signer_->sign(signed_part))).error, JwtError::Malformed)
      << "an extension marked critical that we do not understand";
}

TEST_F(Jwt, AKeySetSurvivesItsJsonAndKeepsOnlyRs256SigningKeys) {
  const auto parsed = KeySet::parse(keys_.to_json());
  ASSERT_NE(parsed.find(kid()), nullptr);
  EXPECT_TRUE(hexa::auth::verify_jwt(hexa::auth::sign_jwt(claims(), *signer_, kid()), parsed,
                                     {"urn:test:auth", "urn:test:api", 30s}, kNowTime)
                  .ok());
  EXPECT_FALSE(parsed.find(kid())->is_private()) << "a JWKS carries public parts only";

  const auto weak = RsaKey::generate(1024);
  const Json mixed = {{"keys",
                       {{{"kty", "RSA"}, {"kid", "enc"}, {"use", "enc"}, {"n", signer_->modulus()}, {"e", "AQAB"}},
                        {{"kty", "RSA"}, {"kid", "ps"}, {"alg", "PS256"}, {"n", signer_->modulus()}, {"e", "AQAB"}},
                        {{"kty", "EC"}, {"kid", "ec"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}},
                        {{"kty", "RSA"}, {"kid", "weak"}, {"n", weak.modulus()}, {"e", weak.exponent()}},
                        {{"kty", "RSA"}, {"kid", "broken"}, {"n", "!!"}, {"e", "AQAB"}},
                        {{"kty", "RSA"}, {"n", signer_->modulus()}, {"e", "AQAB"}},
                        {{"kty", "RSA"}, {"kid", "good"}, {"n", signer_->modulus()}, {"e", "AQAB"}}}}};
  const auto filtered = KeySet::parse(mixed.dump());
  EXPECT_EQ(filtered.size(), 1u);
  EXPECT_NE(filtered.find("good"), nullptr);
  EXPECT_THROW(KeySet::parse("[]"), std::invalid_argument);
  EXPECT_THROW(KeySet::parse("not json"), std::invalid_argument);
}

TEST(JwkThumbprint, MatchesRfc7638Example) {
  const auto key = RsaKey::from_jwk(
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPeb"
      "WKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368Q"
      "QMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2"
      "NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      "AQAB");
  EXPECT_EQ(key.thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(key.bits(), 2048u);
}

TEST(Base64Url, RoundTripsAndHasExactlyOneSpelling) {
  for (const std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt) << "no padding in JOSE";
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt) << "not the URL-safe alphabet";
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt) << "unused bits set: a second spelling of \"fo\"";
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(hexa::auth::base64_decode("Y2xpZW50OnNlY3JldA=="), "client:secret");
  EXPECT_EQ(hexa::auth::base64_decode("Y2xpZW50OnNlY3JldA"), std::nullopt) << "Basic needs its padding";
}

}  // namespace
