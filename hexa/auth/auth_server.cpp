#include "hexa/auth/auth_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "hexa/auth/accounts.hpp"
#include "hexa/auth/login_throttle.hpp"
#include "hexa/auth/signing_key.hpp"
#include "hexa/auth/token_endpoint.hpp"
#include "hexa/auth/token_issuer.hpp"
#include "hexa/http/server.hpp"
#include "hexa/rest/public_url.hpp"
#include "hexa/rest/resource_core.hpp"
#include "hexa/runtime/process_metrics.hpp"
#include "hexa/runtime/request_metrics.hpp"
#include "hexa/runtime/router.hpp"
#include "hexa/runtime/worker_pool.hpp"

namespace hexa::auth {
namespace {

constexpr std::string_view kTokenPath = "/oauth/token";

std::string required(const Config& config, const std::string& key) {
  const auto value = config.get(key, "");
  if (value.empty()) throw std::runtime_error("auth: " + key + " must be set");
  return value;
}

IssuerSettings issuer_settings(const Config& config) {
  return {required(config, "token.issuer"), required(config, "token.audience"),
          std::chrono::seconds(config.get_int("token.ttl-s", 900))};
}

http::ServerOptions server_options(const Config& config) {
  http::ServerOptions o;
  o.address = config.get("server.address", "127.0.0.1");
  o.port = static_cast<std::uint16_t>(config.get_int("server.port", 8090));
  o.io_threads = static_cast<int>(config.get_int("server.io-threads", 1));
  o.body_limit = 16 * 1024;  // a token request is a few form fields
  return o;
}

http::Response safely(const Route& route, const http::Request& req, const PathParams& params) {
  try {
    return route.handler(req, params);
  } catch (const std::exception& e) {
    spdlog::error("auth: {} {} failed: {}", std::string(req.method_string()), std::string(req.target()), e.what());
    return http::error_response(req, http::Status::internal_server_error, "internal error");
  }
}

}  // namespace

struct AuthServer::Impl {
  explicit Impl(const Config& config)
      : accounts(config),
        issuer(load_signing_key(config), issuer_settings(config)),
        jwks(issuer.public_keys().to_json()),
        throttle(ThrottleOptions::from(config)),
        forwarded(rest::ForwardedHeaders::from(config, "127.0.0.1, ::1")),  // its gateway
        workers(static_cast<std::size_t>(config.get_int("server.workers", 2))),
        server(server_options(config),
               http::PeerDispatch{[this](http::Request&& req, const http::Peer& peer, http::Responder respond) {
                 dispatch(std::move(req), peer, std::move(respond));
               }}) {
    add_routes();
  }

  void add_routes();
  void dispatch(http::Request&& req, const http::Peer& peer, http::Responder respond);
  void queue_login(http::Request&& req, const http::Peer& peer, http::Responder respond);
  TokenAnswer check_login(const http::Request& req);

  Metrics metrics;  // first: requests are recorded until the server is gone
  Accounts accounts;
  TokenIssuer issuer;
  std::string jwks;
  LoginThrottle throttle;
  rest::ForwardedHeaders forwarded;
  Router router;
  WorkerPool workers;  // password checks take PBKDF2's time: never on an I/O thread
  http::Server server;  // last: stops first, before what its handlers use
};

void AuthServer::Impl::add_routes() {
  router.add(http::Verb::get, "/.well-known/jwks.json", [this](const http::Request& req, const PathParams&) {
    auto res = http::json_response(req, http::Status::ok, jwks);
    res.set(http::beast_http::field::cache_control, "public, max-age=300");
    return res;
  }, Blocking::No);
  add_process_metrics(metrics);
  router.add(http::Verb::get, "/actuator/prometheus", [this](const http::Request& req, const PathParams&) {
    return metrics_response(req, metrics);
  }, Blocking::No);
  for (const char* path : {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
    router.add(http::Verb::get, path, [](const http::Request& req, const PathParams&) {
      return http::json_response(req, http::Status::ok, R"({"status":"UP"})");
    }, Blocking::No);
  }
}

// A token request is checked by the throttle on the I/O thread, before it may queue for a
// worker; the worker drops it when its caller's deadline has passed meanwhile.
void AuthServer::Impl::queue_login(http::Request&& req, const http::Peer& peer, http::Responder respond) {
  auto account = account_of(req);
  auto client = forwarded.client_address(req, peer.address);
  const auto verdict = throttle.admit(account, client);
  if (!verdict.admitted()) {
    const bool busy = verdict.kind == LoginThrottle::Verdict::Kind::Busy;
    auto res = oauth_error(req, busy ? http::Status::service_unavailable : http::Status::too_many_requests,
                           "temporarily_unavailable", verdict.why);
    res.set(http::beast_http::field::retry_after, std::to_string(verdict.retry_after.count()));
    return respond(std::move(res));
  }
  workers.post([this, req = std::move(req), account = std::move(account), client = std::move(client),
                respond = std::move(respond)] {
    auto answer = check_login(req);
    throttle.finish(account, client, answer.wrong_credentials);
    respond(std::move(answer.response));
  });
}

// On a worker: the check, unless its caller's deadline passed while it waited (nobody would read it).
TokenAnswer AuthServer::Impl::check_login(const http::Request& req) {
  if (const auto deadline = rest::request_deadline(req); deadline && now_ms() > *deadline)
    return {oauth_error(req, http::Status::service_unavailable, "temporarily_unavailable",
                        "the caller's deadline passed before the login could be checked")};
  try {
    return token_endpoint(req, accounts, issuer);
  } catch (const std::exception& e) {
    spdlog::error("auth: token request failed: {}", e.what());
    return {http::error_response(req, http::Status::internal_server_error, "internal error")};
  }
}

void AuthServer::Impl::dispatch(http::Request&& req, const http::Peer& peer, http::Responder untimed) {
  const bool token_path = Router::path_of(req.target()) == kTokenPath;  // not in the router: throttled
  auto match = router.match(req.method(), req.target());
  auto respond = timed(metrics, req, token_path ? std::string(kTokenPath) : uri_label(match), std::move(untimed));
  if (token_path && req.method() == http::Verb::post) return queue_login(std::move(req), peer, std::move(respond));
  if (!match.route) {
    return respond(match.path_known || token_path
                       ? http::error_response(req, http::Status::method_not_allowed,
                                              fmt::format("Request method '{}' is not supported", std::string(req.method_string())))
                       : http::error_response(req, http::Status::not_found, "No resource at this path"));
  }
  if (match.route->blocking == Blocking::No) return respond(safely(*match.route, req, match.params));
  workers.post([route = match.route, params = std::move(match.params), req = std::move(req),
                respond = std::move(respond)] { respond(safely(*route, req, params)); });
}

AuthServer::AuthServer(const Config& config) : impl_(std::make_unique<Impl>(config)) {}
AuthServer::~AuthServer() = default;

void AuthServer::start() {
  impl_->server.start();
  spdlog::info("auth listening on port {} (key id {})", impl_->server.port(), impl_->issuer.kid());
}

std::uint16_t AuthServer::port() const { return impl_->server.port(); }
void AuthServer::stop(std::chrono::milliseconds grace) { impl_->server.stop(grace); }
const TokenIssuer& AuthServer::issuer() const { return impl_->issuer; }

}  // namespace hexa::auth
