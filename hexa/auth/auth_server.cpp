#include "hexa/auth/auth_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "hexa/auth/accounts.hpp"
#include "hexa/auth/signing_key.hpp"
#include "hexa/auth/token_endpoint.hpp"
#include "hexa/auth/token_issuer.hpp"
#include "hexa/http/server.hpp"
#include "hexa/runtime/router.hpp"
#include "hexa/runtime/worker_pool.hpp"

namespace hexa::auth {
namespace {

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
        workers(static_cast<std::size_t>(config.get_int("server.workers", 2))),
        server(server_options(config), [this](http::Request&& req, http::Responder respond) {
          dispatch(std::move(req), std::move(respond));
        }) {
    add_routes();
  }

  void add_routes();
  void dispatch(http::Request&& req, http::Responder respond);

  Accounts accounts;
  TokenIssuer issuer;
  std::string jwks;
  Router router;
  WorkerPool workers;  // password checks take PBKDF2's time: never on an I/O thread
  http::Server server;  // last: stops first, before what its handlers use
};

void AuthServer::Impl::add_routes() {
  router.add(http::Verb::post, "/oauth/token", [this](const http::Request& req, const PathParams&) {
    return token_endpoint(req, accounts, issuer);
  });
  router.add(http::Verb::get, "/.well-known/jwks.json", [this](const http::Request& req, const PathParams&) {
    auto res = http::json_response(req, http::Status::ok, jwks);
    res.set(http::beast_http::field::cache_control, "public, max-age=300");
    return res;
  }, Blocking::No);
  for (const char* path : {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
    router.add(http::Verb::get, path, [](const http::Request& req, const PathParams&) {
      return http::json_response(req, http::Status::ok, R"({"status":"UP"})");
    }, Blocking::No);
  }
}

void AuthServer::Impl::dispatch(http::Request&& req, http::Responder respond) {
  auto match = router.match(req.method(), req.target());
  if (!match.route) {
    return respond(match.path_known
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
