#include "hexa/gateway/gateway.hpp"

#include <spdlog/spdlog.h>

#include "hexa/gateway/cors.hpp"
#include "hexa/gateway/forward.hpp"
#include "hexa/gateway/routes.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"

namespace hexa::gateway {
namespace {

using Field = http::beast_http::field;

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

bool is_health(std::string_view path) {
  return path == "/actuator/health" || path == "/actuator/health/liveness" ||
         path == "/actuator/health/readiness";
}

// What the answer needs once the request itself has gone upstream.
http::Request head_of(const http::Request& req) {
  http::Request head{req.method(), req.target(), req.version()};
  head.keep_alive(req.keep_alive());
  if (const auto origin = req.find(Field::origin); origin != req.end())
    head.set(Field::origin, origin->value());
  return head;
}

http::ServerOptions server_options(const Config& c) {
  http::ServerOptions o;
  o.address = c.get("server.address", "127.0.0.1");
  o.port = static_cast<std::uint16_t>(c.get_int("server.port", 8088));
  o.io_threads = static_cast<int>(c.get_int("server.io-threads", 2));
  o.body_limit = static_cast<std::size_t>(c.get_int("server.body-limit-bytes", 1024 * 1024));
  return o;
}

http::ClientOptions client_options(const Config& c) {
  http::ClientOptions o;
  o.connect_timeout = std::chrono::milliseconds(c.get_int("upstream.connect-timeout-ms", 1000));
  return o;
}

}  // namespace

struct Gateway::Impl {
  explicit Impl(const Config& config)
      : routes(config),
        cors(config),
        timeout(config.get_int("upstream.timeout-ms", 5000)),
        client(client_options(config)),
        server(server_options(config),
               http::PeerDispatch{[this](http::Request&& req, const http::Peer& peer,
                                         http::Responder respond) {
                 handle(std::move(req), peer, std::move(respond));
               }}) {}

  void handle(http::Request&& req, const http::Peer& peer, http::Responder respond);
  void forward(http::Request&& req, const http::Peer& peer, Upstream& upstream,
               http::Responder respond);
  http::Response answer(const http::Request& head, const std::string& service, http::Reply reply);

  // Order matters: the server goes first (no new requests), then the client (its last
  // callbacks still use the routes and CORS settings above it).
  RouteTable routes;
  Cors cors;
  std::chrono::milliseconds timeout;
  http::Client client;
  http::Server server;
};

void Gateway::Impl::handle(http::Request&& req, const http::Peer& peer, http::Responder respond) {
  if (Cors::is_preflight(req)) return respond(cors.preflight(req));
  const auto path = path_of(req.target());
  if (is_health(path)) {
    auto res = http::json_response(req, http::Status::ok, R"({"status":"UP"})");
    cors.decorate(req, res);
    return respond(std::move(res));
  }
  Upstream* upstream = routes.find(path);
  if (!upstream) {
    auto res = http::error_response(req, http::Status::not_found, "no route for " + std::string(path));
    cors.decorate(req, res);
    return respond(std::move(res));
  }
  forward(std::move(req), peer, *upstream, std::move(respond));
}

// Asynchronous all the way: the I/O thread only starts the call; the client's thread answers.
void Gateway::Impl::forward(http::Request&& req, const http::Peer& peer, Upstream& upstream,
                            http::Responder respond) {
  auto head = head_of(req);
  const auto& to = upstream.next();
  client.async_send(to, upstream_request(std::move(req), peer, server.port()), timeout,
                    [this, head = std::move(head), &service = upstream.service(),
                     respond = std::move(respond)](http::Reply reply) {
                      respond(answer(head, service, std::move(reply)));
                    });
}

http::Response Gateway::Impl::answer(const http::Request& head, const std::string& service,
                                     http::Reply reply) {
  http::Response res;
  if (reply.answered()) {
    res = std::move(reply.response);
    downstream_response(res);
  } else if (reply.failure == http::Failure::Timeout) {
    spdlog::warn("gateway: {} {}: {}", head.method_string(), head.target(), reply.error);
    res = http::error_response(head, http::Status::gateway_timeout,
                               "service " + service + " did not answer within " +
                                   std::to_string(timeout.count()) + " ms");
  } else {
    spdlog::warn("gateway: {} {}: {}", head.method_string(), head.target(), reply.error);
    res = http::error_response(head, http::Status::bad_gateway,
                               "service " + service + " is unavailable");
  }
  cors.decorate(head, res);
  return res;
}

Gateway::Gateway(const Config& config) : impl_(std::make_unique<Impl>(config)) {}
Gateway::~Gateway() = default;

void Gateway::start() {
  impl_->server.start();
  spdlog::info("gateway listening on port {}", impl_->server.port());
}

std::uint16_t Gateway::port() const { return impl_->server.port(); }

void Gateway::stop(std::chrono::milliseconds grace) { impl_->server.stop(grace); }

}  // namespace hexa::gateway
