// The auth service over HTTP, as a client uses it: POST /oauth/token and the JWKS.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hexa/auth/auth_server.hpp"
#include "hexa/auth/jwks.hpp"
#include "hexa/auth/jwt.hpp"
#include "hexa/auth/password.hpp"
#include "hexa/auth/rsa_key.hpp"
#include "hexa/auth/token_issuer.hpp"
#include "hexa/config/config.hpp"
#include "hexa/http/client.hpp"

namespace {

namespace fs = std::filesystem;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Status;
using hexa::http::Verb;
using Json = nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hexa-auth-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

hexa::Config config_for(const fs::path& data, const std::string& extra = "") {
  constexpr unsigned kCheap = 1000;  // these tests check behaviour, not hashing cost
  const std::string yaml = "server: {port: 0}\n"
                           "data: {dir: '" + data.string() + "'}\n"
                           "token: {issuer: 'urn:test:auth', audience: 'urn:test:api', ttl-s: 600}\n"
                           "users:\n"
                           "  customer: {password: '" + hexa::auth::hash_password("customer-pass", kCheap) +
                           "', roles: [CUSTOMER]}\n"
                           "  manager: {password: '" + hexa::auth::hash_password("manager-pass", kCheap) +
                           "', roles: [MANAGER, AUDITOR]}\n"
                           "clients:\n"
                           "  back-office: {secret: '" + hexa::auth::hash_password("bo-secret", kCheap) +
                           "', roles: [MANAGER]}\n"
                           "  web: {grants: [password]}\n" + extra;
  return hexa::Config::from_string(yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; });
}

class AuthService : public ::testing::Test {
 protected:
  AuthService() : server_(config_for(data_.path())) { server_.start(); }

  Reply token(const std::string& form, std::optional<std::string> basic = std::nullopt,
              std::string type = "application/x-www-form-urlencoded") {
    Request req{Verb::post, "/oauth/token", 11};
    req.set(bhttp::field::content_type, type);
    if (basic) req.set(bhttp::field::authorization, "Basic " + *basic);
    req.body() = form;
    return client_.send({"127.0.0.1", server_.port()}, std::move(req), 10s);
  }
  Reply get(const std::string& target) {
    return client_.send({"127.0.0.1", server_.port()}, Request{Verb::get, target, 11}, 10s);
  }
  hexa::auth::VerifiedJwt verify(const std::string& access_token) {
    const auto jwks = hexa::auth::KeySet::parse(get("/.well-known/jwks.json").response.body());
    return hexa::auth::verify_jwt(access_token, jwks, {"urn:test:auth", "urn:test:api", 30s},
                                  std::chrono::system_clock::now());
  }
  static Json body(const Reply& r) { return Json::parse(r.response.body()); }
  static void expect_error(const Reply& r, Status status, const std::string& error) {
    ASSERT_TRUE(r.answered()) << r.error;
    EXPECT_EQ(r.response.result(), status) << r.response.body();
    EXPECT_EQ(body(r)["error"], error) << r.response.body();
    EXPECT_EQ(r.response[bhttp::field::cache_control], "no-store");
  }

  TempDir data_;
  hexa::auth::AuthServer server_;
  hexa::http::Client client_;
};

TEST_F(AuthService, PasswordGrantAnswersABearerTokenThatTheJwksVerifies) {
  const Reply r = token("grant_type=password&username=customer&password=customer-pass");
  ASSERT_TRUE(r.answered()) << r.error;
  ASSERT_EQ(r.response.result(), Status::ok) << r.response.body();
  EXPECT_EQ(r.response[bhttp::field::cache_control], "no-store");
  const Json answer = body(r);
  EXPECT_EQ(answer["token_type"], "Bearer");
  EXPECT_EQ(answer["expires_in"], 600);
  const auto verified = verify(answer["access_token"]);
  ASSERT_TRUE(verified.ok()) << describe(verified.error);
  EXPECT_EQ(verified.claims["sub"], "customer");
  EXPECT_EQ(verified.claims["roles"], Json::array({"CUSTOMER"}));
  EXPECT_EQ(verified.claims["exp"].get<std::int64_t>() - verified.claims["iat"].get<std::int64_t>(), 600);
}

TEST_F(AuthService, FormValuesAreUrlDecoded) {
  const Reply r = token("grant_type=password&username=manager&password=manager%2Dpass&client_id=web");
  ASSERT_EQ(r.response.result(), Status::ok) << r.response.body();
  const auto verified = verify(body(r)["access_token"]);
  EXPECT_EQ(verified.claims["roles"], Json::array({"MANAGER", "AUDITOR"}));
  EXPECT_EQ(verified.claims["client_id"], "web");
}

TEST_F(AuthService, WrongOrUnknownCredentialsAreInvalidGrant) {
  expect_error(token("grant_type=password&username=customer&password=manager-pass"), Status::bad_request,
               "invalid_grant");
  expect_error(token("grant_type=password&username=nobody&password=customer-pass"), Status::bad_request,
               "invalid_grant");
  expect_error(token("grant_type=password&username=customer"), Status::bad_request, "invalid_request");
}

TEST_F(AuthService, ClientCredentialsWithBasicOrFormGiveTheClientsToken) {
  // "back-office:bo-secret"
  const Reply basic = token("grant_type=client_credentials", "YmFjay1vZmZpY2U6Ym8tc2VjcmV0");
  ASSERT_EQ(basic.response.result(), Status::ok) << basic.response.body();
  const auto verified = verify(body(basic)["access_token"]);
  EXPECT_EQ(verified.claims["sub"], "back-office");
  EXPECT_EQ(verified.claims["client_id"], "back-office");
  EXPECT_EQ(verified.claims["roles"], Json::array({"MANAGER"}));

  const Reply form = token("grant_type=client_credentials&client_id=back-office&client_secret=bo-secret");
  EXPECT_EQ(form.response.result(), Status::ok) << form.response.body();
}

TEST_F(AuthService, AClientThatFailsAuthenticationIsInvalidClientWith401) {
  const Reply wrong = token("grant_type=client_credentials&client_id=back-office&client_secret=nope");
  expect_error(wrong, Status::unauthorized, "invalid_client");
  EXPECT_TRUE(wrong.response[bhttp::field::www_authenticate].starts_with("Basic"));
  expect_error(token("grant_type=client_credentials"), Status::unauthorized, "invalid_client");
  expect_error(token("grant_type=client_credentials&client_id=ghost&client_secret=x"), Status::unauthorized,
               "invalid_client");
  expect_error(token("grant_type=client_credentials", "bm90LWJhc2U2NA"), Status::unauthorized, "invalid_client");
}

TEST_F(AuthService, GrantsAClientMayNotUseAreRefused) {
  expect_error(token("grant_type=client_credentials&client_id=web"), Status::bad_request, "unauthorized_client");
  expect_error(token("grant_type=password&username=customer&password=customer-pass",
                     "YmFjay1vZmZpY2U6Ym8tc2VjcmV0"),
               Status::bad_request, "unauthorized_client");
}

TEST_F(AuthService, MalformedRequestsAreInvalidRequestOrUnsupportedGrant) {
  expect_error(token("grant_type=authorization_code&code=x"), Status::bad_request, "unsupported_grant_type");
  expect_error(token("username=customer&password=customer-pass"), Status::bad_request, "invalid_request");
  expect_error(token(R"({"grant_type":"password"})", std::nullopt, "application/json"), Status::bad_request,
               "invalid_request");
  expect_error(token("grant_type=password&grant_type=client_credentials"), Status::bad_request,
               "invalid_request");
  expect_error(token("grant_type=client_credentials&client_id=back-office&client_secret=bo-secret",
                     "YmFjay1vZmZpY2U6Ym8tc2VjcmV0"),
               Status::bad_request, "invalid_request");
  EXPECT_EQ(get("/oauth/token").response.result(), Status::method_not_allowed);
}

TEST_F(AuthService, TheJwksPublishesOnlyThePublicKeyAndHealthIsUp) {
  const Reply r = get("/.well-known/jwks.json");
  ASSERT_EQ(r.response.result(), Status::ok);
  const Json jwks = body(r);
  ASSERT_EQ(jwks["keys"].size(), 1u);
  const Json key = jwks["keys"][0];
  EXPECT_EQ(key["kty"], "RSA");
  EXPECT_EQ(key["alg"], "RS256");
  EXPECT_EQ(key["kid"], server_.issuer().kid());
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_FALSE(key.contains(secret)) << secret;
  for (const char* path : {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"})
    EXPECT_EQ(get(path).response.result(), Status::ok) << path;
}

TEST(AuthServiceKeys, TheKeyGeneratedAtFirstStartIsKeptOwnerOnlyAndReused) {
  TempDir data;
  std::string first_kid;
  {
    hexa::auth::AuthServer first(config_for(data.path()));
    first_kid = first.issuer().kid();
  }
  const fs::path file = data.path() / "keys" / "signing-key.pem";
  ASSERT_TRUE(fs::exists(file));
  struct stat st{};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  hexa::auth::AuthServer second(config_for(data.path()));
  EXPECT_EQ(second.issuer().kid(), first_kid) << "tokens stay valid across a restart";
}

TEST(AuthServiceKeys, AConfiguredKeyFileIsUsedAndAPasswordInClearIsRefused) {
  TempDir data, other;
  const auto key = hexa::auth::RsaKey::generate(2048);
  const fs::path file = other.path() / "key.pem";
  std::ofstream(file) << key.private_pem();
  hexa::auth::AuthServer server(config_for(data.path(), "keys: {private-key-file: '" + file.string() + "'}\n"));
  EXPECT_EQ(server.issuer().kid(), key.thumbprint());
  EXPECT_FALSE(fs::exists(data.path() / "keys")) << "nothing generated when a key is configured";

  const auto clear = hexa::Config::from_string(
      "token: {issuer: i, audience: a}\nusers:\n  bob: {password: hunter2, roles: [X]}\n", {"default"},
      [](const std::string&) { return std::optional<std::string>{}; });
  EXPECT_THROW(hexa::auth::AuthServer{clear}, std::runtime_error);
}

}  // namespace
