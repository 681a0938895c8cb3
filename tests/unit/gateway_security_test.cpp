// The gateway as the one door (profile secure): tokens checked against the auth service's key
// set, roles against the route rules, callers rate limited, identity passed on in headers only
// the gateway writes. Real loopback servers play the auth service's JWKS and a service.
#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hexa/auth/base64.hpp"
#include "hexa/auth/jwks.hpp"
#include "hexa/auth/jwt.hpp"
#include "hexa/auth/rsa_key.hpp"
#include "hexa/config/config.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::auth::RsaKey;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Response;
using hexa::http::Status;
using hexa::http::Verb;
namespace bhttp = boost::beast::http;
using Json = nlohmann::json;

// A service (or the auth service's JWKS): records requests, answers 200 with `body`.
class Service {
 public:
  explicit Service(std::string body = R"({"ok":true})")
      : body_(std::move(body)),
        server_({}, [this](Request&& req, Responder respond) {
          if (req.target() != "/actuator/health/readiness") {  // the gateway's checks are not traffic
            std::lock_guard lock(m_);
            seen_.push_back(req);
          }
          respond(hexa::http::json_response(req, Status::ok, body_));
        }) {
    server_.start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  std::vector<Request> seen() const {
    std::lock_guard lock(m_);
    return seen_;
  }

 private:
  std::string body_;
  mutable std::mutex m_;
  std::vector<Request> seen_;
  hexa::http::Server server_;  // last: stops first
};

std::string closed_url() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
}

hexa::Config secure_config(const std::string& service_url, const std::string& jwks_url, const std::string& extra = "") {
  const std::string yaml = R"(
server: {port: 0}
routes:
  - {id: contract, service: contract, paths: [/contracts/**]}
  - {id: pay, service: pay, paths: [/pays/**]}
  - {id: auth, service: auth, paths: [/oauth/**]}
services:
  contract: {url: ")" + service_url + R"("}
  pay: {url: ")" + service_url + R"("}
  auth: {url: ")" + service_url + R"("}
security:
  enabled: true
  realm: test
  issuer: urn:test:auth
  audience: urn:test:api
  jwks: {url: ")" + jwks_url + R"(/.well-known/jwks.json"}
  owner-bypass-roles: [MANAGER]
  rules:
    - {paths: [/contracts/**], methods: [GET, POST], roles: [CUSTOMER]}
    - {paths: [/pays/**], methods: [GET], roles: [MANAGER]}
)" + extra;
  return hexa::Config::from_string(yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; });
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class SecureGateway : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signer_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
    stranger_ = std::make_unique<RsaKey>(RsaKey::generate(2048));
  }
  static void TearDownTestSuite() {
    signer_.reset();
    stranger_.reset();
  }

  SecureGateway() : jwks_(jwks_body()) {}
  void SetUp() override { start(); }

  void start(const std::string& extra = "", const std::string& jwks_url = "") {
    gateway_.reset();
    gateway_ = std::make_unique<hexa::gateway::Gateway>(
        secure_config(service_.url(), jwks_url.empty() ? jwks_.url() : jwks_url, extra));
    gateway_->start();
  }
  static std::string jwks_body() {
    hexa::auth::KeySet keys;
    keys.add(signer_->thumbprint(), *signer_);
    return keys.to_json();
  }
  static Json claims(const std::string& subject, std::vector<std::string> roles) {
    return {{"iss", "urn:test:auth"}, {"aud", "urn:test:api"}, {"sub", subject}, {"roles", roles},
            {"iat", now_s()},         {"exp", now_s() + 600}};
  }
  static std::string token(const Json& c, const RsaKey* key = nullptr) {
    const RsaKey& k = key ? *key : *signer_;
    return hexa::auth::sign_jwt(c, k, k.thumbprint());
  }
  static std::string customer() { return token(claims("customer", {"CUSTOMER"})); }

  Reply call(Verb verb, const std::string& target, const std::string& bearer = "",
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request req{verb, target, 11};
    if (!bearer.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer);
    for (auto& [name, value] : headers) req.set(name, value);
    return client_.send({"127.0.0.1", gateway_->port()}, std::move(req), 10s);
  }

  static std::unique_ptr<RsaKey> signer_, stranger_;
  Service service_;
  Service jwks_;
  hexa::http::Client client_;
  std::unique_ptr<hexa::gateway::Gateway> gateway_;
};

std::unique_ptr<RsaKey> SecureGateway::signer_, SecureGateway::stranger_;

TEST_F(SecureGateway, NoTokenIs401WithABearerChallengeAndNeverReachesTheService) {
  const Reply r = call(Verb::get, "/contracts/1");
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(r.response.result(), Status::unauthorized);
  EXPECT_EQ(r.response[bhttp::field::www_authenticate], R"(Bearer realm="test")");
  EXPECT_EQ(Json::parse(r.response.body())["status"], 401);
  const Reply basic = call(Verb::get, "/contracts/1", "", {{"Authorization", "Basic YTpi"}});
  EXPECT_EQ(basic.response.result(), Status::unauthorized);
  EXPECT_TRUE(service_.seen().empty());
}

TEST_F(SecureGateway, AValidTokenReachesTheServiceWithTheCallersIdentityOnly) {
  const Reply r = call(Verb::get, "/contracts/1", customer(),
                       {{"X-Auth-Roles", "MANAGER"}, {"x-auth-subject", "manager"}, {"X-Auth-Anything", "x"},
                        {"X-Hexa-Gateway", "open"}});
  ASSERT_EQ(r.response.result(), Status::ok) << r.response.body();
  const auto seen = service_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["X-Auth-Subject"], "customer");
  EXPECT_EQ(seen[0]["X-Auth-Roles"], "CUSTOMER") << "what the client claimed is replaced";
  EXPECT_EQ(seen[0]["X-Hexa-Gateway"], "secure") << "its roles are checked (rest/caller.hpp)";
  EXPECT_EQ(seen[0].count("X-Auth-Anything"), 0u);
  EXPECT_EQ(seen[0].count("X-Auth-Client-Id"), 0u);
  EXPECT_EQ(seen[0]["X-Forwarded-For"], "127.0.0.1") << "forwarding headers as before";
}

TEST_F(SecureGateway, ACallerWithoutABypassRoleIsToldToServiceAsLimitedToWhatItOwns) {
  ASSERT_EQ(call(Verb::get, "/contracts/1", customer(), {{"X-Auth-Owner", "manager"}}).response.result(), Status::ok);
  ASSERT_EQ(call(Verb::get, "/pays/1", token(claims("manager", {"MANAGER"})), {{"X-Auth-Owner", "customer"}})
                .response.result(),
            Status::ok);
  const auto seen = service_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0]["X-Auth-Owner"], "customer") << "the caller's own name, never what it sent";
  EXPECT_EQ(seen[1].count("X-Auth-Owner"), 0u) << "a manager sees everything";
  EXPECT_EQ(seen[1]["X-Auth-Subject"], "manager");
}

TEST_F(SecureGateway, AValidTokenWithTheWrongRoleIs403) {
  const Reply r = call(Verb::get, "/pays/1", customer());
  EXPECT_EQ(r.response.result(), Status::forbidden);
  EXPECT_EQ(r.response[bhttp::field::www_authenticate], R"(Bearer realm="test", error="insufficient_scope")");
  EXPECT_EQ(call(Verb::patch, "/contracts/1", customer()).response.result(), Status::forbidden)
      << "no rule allows PATCH: forbidden";
  EXPECT_EQ(call(Verb::get, "/pays/1", token(claims("manager", {"MANAGER"}))).response.result(), Status::ok);
  EXPECT_EQ(service_.seen().size(), 1u);
}

TEST_F(SecureGateway, ForgedExpiredAndForeignTokensAre401InvalidToken) {
  const auto good = customer();
  const auto dot1 = good.find('.'), dot2 = good.rfind('.');
  auto as_manager = claims("customer", {"MANAGER"});
  const std::string promoted =
      good.substr(0, dot1 + 1) + hexa::auth::base64url_encode(as_manager.dump()) + good.substr(dot2);
  auto expired = claims("customer", {"CUSTOMER"});
  expired["exp"] = now_s() - 120;
  auto early = claims("customer", {"CUSTOMER"});
  early["nbf"] = now_s() + 120;
  auto foreign_aud = claims("customer", {"CUSTOMER"});
  foreign_aud["aud"] = "urn:other:api";
  auto foreign_iss = claims("customer", {"CUSTOMER"});
  foreign_iss["iss"] = "urn:other:auth";
  const std::string none = hexa::auth::base64url_encode(R"({"alg":"none"})") + "." +
                           hexa::auth::base64url_encode(claims("customer", {"CUSTOMER"}).dump()) + ".";
  const std::map<std::string, std::string> bad = {
      {"promoted", promoted},
      {"expired", token(expired)},
      {"not yet valid", token(early)},
      {"other audience", token(foreign_aud)},
      {"other issuer", token(foreign_iss)},
      {"alg none", none},
      {"unknown key", token(claims("customer", {"CUSTOMER"}), stranger_.get())},
      {"garbage", "not-a-jwt"}};
  ASSERT_EQ(call(Verb::get, "/contracts/1", good).response.result(), Status::ok);  // verified once, remembered
  for (const auto& [what, t] : bad) {
    const Reply r = call(Verb::get, "/contracts/1", t);
    EXPECT_EQ(r.response.result(), Status::unauthorized) << what;
    EXPECT_TRUE(r.response[bhttp::field::www_authenticate].starts_with(R"(Bearer realm="test", error="invalid_token")"))
        << what << ": " << r.response[bhttp::field::www_authenticate];
  }
  EXPECT_EQ(service_.seen().size(), 1u) << "only the genuine token got through";
}

TEST_F(SecureGateway, TokenRequestsAndHealthNeedNoToken) {
  EXPECT_EQ(call(Verb::post, "/oauth/token").response.result(), Status::ok);
  for (const char* path : {"/actuator/health", "/actuator/health/readiness"})
    EXPECT_EQ(call(Verb::get, path).response.result(), Status::ok) << path;
}

TEST_F(SecureGateway, WhenTheKeysCannotBeFetchedTheAnswerIs503) {
  start("", closed_url());
  const Reply r = call(Verb::get, "/contracts/1", customer());
  EXPECT_EQ(r.response.result(), Status::service_unavailable);
  EXPECT_EQ(r.response[bhttp::field::retry_after], "1");
  EXPECT_TRUE(service_.seen().empty());
}

TEST_F(SecureGateway, BurstsAre429PerCallerWithRetryAfter) {
  start("rate-limit: {rps: 0.5, burst: 2}\n");  // one more request every 2 s
  const auto a = customer();
  EXPECT_EQ(call(Verb::get, "/contracts/1", a).response.result(), Status::ok);
  EXPECT_EQ(call(Verb::get, "/contracts/1", a).response.result(), Status::ok);
  const Reply limited = call(Verb::get, "/contracts/1", a);
  EXPECT_EQ(limited.response.result(), Status::too_many_requests);
  EXPECT_EQ(limited.response[bhttp::field::retry_after], "2");
  EXPECT_EQ(call(Verb::get, "/contracts/1", token(claims("other", {"CUSTOMER"}))).response.result(), Status::ok)
      << "another caller has its own budget";
  for (int i = 0; i < 2; ++i) call(Verb::get, "/contracts/1", "made-up");  // anonymous: per address
  EXPECT_EQ(call(Verb::get, "/contracts/1", "made-up").response.result(), Status::too_many_requests);
}

TEST_F(SecureGateway, AmbiguousPathsAreRefusedBeforeAnyRule) {
  EXPECT_EQ(call(Verb::get, "/contracts/../pays/1", customer()).response.result(), Status::bad_request);
  EXPECT_EQ(call(Verb::get, "/contracts/%2e%2e/pays/1", customer()).response.result(), Status::bad_request);
  EXPECT_TRUE(service_.seen().empty());
}

}  // namespace
