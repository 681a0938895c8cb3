#include "hexa/gateway/gateway.hpp"

#include <spdlog/spdlog.h>

#include "hexa/gateway/access_rules.hpp"
#include "hexa/gateway/authenticator.hpp"
#include "hexa/gateway/call.hpp"
#include "hexa/gateway/cors.hpp"
#include "hexa/gateway/forward.hpp"
#include "hexa/gateway/health_checker.hpp"
#include "hexa/gateway/identity.hpp"
#include "hexa/gateway/refusals.hpp"
#include "hexa/gateway/routes.hpp"
#include "hexa/gateway/static_files.hpp"
#include "hexa/gateway/stream_relay.hpp"
#include "hexa/gateway/token_bucket.hpp"
#include "hexa/gateway/tracing.hpp"
#include "hexa/gateway/upstream_control.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/client_stream.hpp"
#include "hexa/http/event_stream.hpp"
#include "hexa/http/server.hpp"
#include "hexa/rest/public_url.hpp"
#include "hexa/rest/resource_core.hpp"
#include "hexa/runtime/process_metrics.hpp"
#include "hexa/runtime/request_metrics.hpp"

namespace hexa::gateway {
namespace {

using Field = http::beast_http::field;
using CallPtr = std::shared_ptr<Call>;

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

constexpr std::string_view kMetricsPath = "/actuator/prometheus";

bool is_health(std::string_view path) {
  return path == "/actuator/health" || path == "/actuator/health/liveness" ||
         path == "/actuator/health/readiness";
}

// 405 for a method the route keeps inside (RFC 9110 15.5.6: with Allow).
http::Response method_not_routed(const http::Request& head, const Route& route) {
  auto res = http::error_response(head, http::Status::method_not_allowed,
                                  "Request method '" + std::string(head.method_string()) + "' is not supported");
  std::string allow;
  for (const auto& m : route.methods) allow += (allow.empty() ? "" : ", ") + m;
  res.set(Field::allow, allow);
  return res;
}

// What the answer needs once the request itself has gone upstream.
http::Request head_of(const http::Request& req) {
  http::Request head{req.method(), req.target(), req.version()};
  head.keep_alive(req.keep_alive());
  if (const auto origin = req.find(Field::origin); origin != req.end())
    head.set(Field::origin, origin->value());
  return head;
}

// Whether a failed request may go to another instance. Refused: the connection could not be
// made, so the request never left the gateway: any method, POST and PATCH included. Broken:
// the request was sent and the instance may have acted on it: only an idempotent method
// (RFC 9110 9.2.2), for which acting twice is acting once. So a POST or PATCH that may have
// reached an instance is never sent again. Timeout: nothing, the caller's time is spent.
// The client below keeps to the same rule (hexa/http/client_call.cpp).
bool may_resend(http::Verb method, http::Failure failure) {
  if (failure == http::Failure::Refused) return true;
  return failure == http::Failure::Broken && http::is_idempotent(method);
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
        web(config),
        rules(config),
        limiter(RateLimit::from(config)),
        forwarded(rest::ForwardedHeaders::from(config, "")),  // facing clients: trusts nobody unless told
        realm(config.get("security.realm", "hexa")),
        access_log(config.get_bool("access-log.enabled", true)),
        retries(static_cast<int>(config.get_int("upstream.retries", 1))),
        timeout(config.get_int("upstream.timeout-ms", 5000)),
        health_options(HealthOptions::from(config)),
        control(config),
        client(client_options(config)),
        health(routes.upstreams(), client, health_options),
        server(server_options(config),
               http::PeerDispatch{[this](http::Request&& req, const http::Peer& peer,
                                         http::Responder respond) {
                 handle(std::move(req), peer, std::move(respond));
               }}) {
    // Made once the client exists, held above it: the client's last callbacks may still use it.
    add_metrics();
    if (config.get_bool("security.enabled", false)) authenticator = std::make_unique<Authenticator>(config, client);
    else config.claim("security");  // read only when enabled (the `secure` profile checks it)
  }

  void add_metrics();
  void handle(http::Request&& req, const http::Peer& peer, http::Responder respond);
  void admit(const CallPtr& call, const std::optional<AuthResult>& auth);
  void route(const CallPtr& call, bool rechecked = false);
  void send(const CallPtr& call, std::size_t instance);
  void relay(const CallPtr& call, const http::Endpoint& to, http::Request req);
  bool on_stream_head(const CallPtr& call, const std::shared_ptr<StreamRelay>& relay, http::Reply head);
  void on_reply(const CallPtr& call, http::Reply reply);
  http::Response answer(const http::Request& head, const std::string& service, http::Reply reply);
  void finish(const CallPtr& call, http::Response res, bool decorate = true);
  http::Response decorated(const CallPtr& call, http::Response res, bool decorate = true);

  // Order matters: the server goes first (no new requests), then the health checks, then the
  // client, whose last callbacks (calls it aborts) still use everything above it.
  Metrics metrics;  // first: the steps below record into it until the last is gone
  RouteTable routes;
  Cors cors;
  StaticFiles web;
  AccessRules rules;
  RateLimiter limiter;
  rest::ForwardedHeaders forwarded;
  std::string realm;
  bool access_log;
  int retries;
  std::chrono::milliseconds timeout;
  HealthOptions health_options;
  UpstreamControl control;
  std::unique_ptr<Authenticator> authenticator;  // null: security off (the default profile)
  http::Client client;
  HealthChecker health;
  http::Server server;
};

// Besides the requests (finish()): the process, and each service's instances in rotation.
void Gateway::Impl::add_metrics() {
  add_process_metrics(metrics);
  for (const Upstream* u : routes.upstreams())
    metrics.gauge("hexa_gateway_upstream_instances_in_rotation", {{"service", u->service()}},
                  "instances of the service the gateway sends requests to", [u] {
                    double n = 0;
                    for (std::size_t i = 0; i < u->size(); ++i) n += u->member(i) && u->in_rotation(i) ? 1 : 0;
                    return n;
                  });
}

void Gateway::Impl::handle(http::Request&& req, const http::Peer& peer, http::Responder respond) {
  auto call = std::make_shared<Call>();
  call->head = head_of(req);
  call->peer = peer;
  call->respond = std::move(respond);
  call->record.peer = peer.address;
  call->streamed = req.method() == http::Verb::get && http::accepts_event_stream(req);
  if (Cors::is_preflight(req)) return finish(call, cors.preflight(req), false);
  const auto path = path_of(req.target());
  if (is_health(path) || path == kMetricsPath) call->route = std::string(path);
  if (is_health(path)) return finish(call, http::json_response(req, http::Status::ok, R"({"status":"UP"})"));
  if (path == kMetricsPath) return finish(call, metrics_response(req, metrics));
  if (auto answer = control.handle(req, peer, routes)) return finish(call, std::move(*answer));
  call->record.request_id = trace_request(req).request_id;
  // The front end's files, open to all: what no route claims (the login form needs no token).
  if (!routes.route(path))
    if (auto file = web.serve(req, path)) {
      if (file->result() != http::Status::not_found) call->route = "web";  // else NOT_FOUND
      return finish(call, std::move(*file));
    }
  strip_internal_headers(req);  // only the gateway says who is calling, and until when
  if (const auto problem = forwarded.admit(req, peer.address))
    return finish(call, http::error_response(req, http::Status::bad_request, *problem));
  const bool open = !authenticator || rules.is_open(path);
  if (authenticator && ambiguous_path(path))
    return finish(call, http::error_response(req, http::Status::bad_request, "ambiguous path"));
  call->request = upstream_request(std::move(req), peer, server.port());
  // From outside, and whether callers' roles are checked (rest/caller.hpp): a service tells a
  // client's request from another service's by it.
  call->request.set(rest::kGatewayHeader, authenticator ? "secure" : "open");
  if (open) return admit(call, std::nullopt);
  authenticator->authenticate(call->request[Field::authorization],
                              [this, call](AuthResult result) { admit(call, result); });
}

// Past authentication (when it applies): rate limit, then the caller's rights, then the route.
void Gateway::Impl::admit(const CallPtr& call, const std::optional<AuthResult>& auth) {
  const bool known = auth && auth->kind == AuthResult::Kind::Ok;
  // Per caller when we know who it is, else per address: anonymous floods are limited too.
  const auto admission = limiter.admit(known ? "sub:" + auth->identity.subject : "ip:" + call->peer.address);
  if (!admission.allowed) return finish(call, too_many_requests(call->head, admission.retry_after));
  if (auth && auth->kind == AuthResult::Kind::Unavailable) return finish(call, keys_unavailable(call->head, auth->why));
  if (auth && !known) return finish(call, unauthorized(call->head, realm, *auth));
  const auto path = path_of(call->head.target());
  if (known) {
    call->record.subject = auth->identity.subject;
    if (!rules.allows(call->head.method_string(), path, auth->identity.roles))
      return finish(call, forbidden(call->head, realm));
    set_identity_headers(call->request, auth->identity, rules.sees_all(auth->identity.roles));
  }
  const Route* matched = routes.route(path);
  if (!matched)
    return finish(call, http::error_response(call->head, http::Status::not_found, "no route for " + std::string(path)));
  call->route = matched->id;
  if (!matched->allows(call->head.method_string())) return finish(call, method_not_routed(call->head, *matched));
  call->upstream = routes.upstream(*matched);
  // A retry needs another instance; without one, no copy of the request is kept for it.
  call->retries_left = call->upstream->members() > 1 ? retries : 0;
  route(call);
}

// To an instance in rotation. When none is, they are asked for their readiness once more
// before the caller gets a 503: a service that has just come back is not refused on a stale
// verdict, and one that is not ready gets no request it cannot serve.
void Gateway::Impl::route(const CallPtr& call, bool rechecked) {
  if (const auto i = call->upstream->next()) return send(call, *i);
  if (rechecked || !health_options.checked())
    return finish(call, service_unavailable(call->head, call->upstream->service(), "no instance is ready"));
  recheck(client, health_options, *call->upstream, [this, call] { route(call, true); });
}

// Asynchronous all the way: the I/O thread only starts the call; the client's thread answers.
void Gateway::Impl::send(const CallPtr& call, std::size_t i) {
  call->instance = i;
  const auto& to = call->upstream->endpoint(i);
  call->record.upstream = call->upstream->service() + "@" + to.str();
  // Kept for a retry while one is possible; the last attempt takes it.
  http::Request req = call->retries_left > 0 ? call->request : std::move(call->request);
  req.set(rest::kDeadlineHeader, std::to_string(now_ms() + timeout.count()));  // this attempt's
  if (call->streamed) return relay(call, to, std::move(req));
  client.async_send(to, std::move(req), timeout, [this, call](http::Reply reply) { on_reply(call, std::move(reply)); });
}

// An event stream: its head within the upstream timeout, then each piece as it comes, for as
// long as both sides stay. A failure before the head is one as for any call (retry, 502...).
void Gateway::Impl::relay(const CallPtr& call, const http::Endpoint& to, http::Request req) {
  auto relay = std::make_shared<StreamRelay>();
  http::StreamHandlers handlers{
      .on_head = [this, call, relay](http::Reply head) { return on_stream_head(call, relay, std::move(head)); },
      .on_body = [relay](std::string piece) { return relay->pass(std::move(piece)); },
      .on_end =
          [this, call, relay] {
            if (relay->streaming()) return relay->end_stream();
            finish(call, answer(call->head, call->upstream->service(), http::Reply{.response = relay->whole()}));
          }};
  relay->set_upstream(client.open_stream(to, std::move(req), timeout, std::move(handlers)));
}

bool Gateway::Impl::on_stream_head(const CallPtr& call, const std::shared_ptr<StreamRelay>& relay, http::Reply head) {
  if (!head.answered()) {
    on_reply(call, std::move(head));
    return false;
  }
  if (!StreamRelay::is_stream(head.response)) {
    relay->gather(std::move(head.response));  // passed on whole once it has all come
    return true;
  }
  downstream_response(head.response);
  return relay->begin(call->respond, decorated(call, std::move(head.response)));
}

void Gateway::Impl::on_reply(const CallPtr& call, http::Reply reply) {
  auto& upstream = *call->upstream;
  const auto i = *call->instance;
  // Out of rotation until its readiness check passes again (without checks, nothing would
  // bring it back).
  if (reply.failure == http::Failure::Refused && health_options.checked() && upstream.set_in_rotation(i, false))
    note_rotation(upstream, i, false, reply.error);
  const bool resend = !reply.answered() && call->retries_left > 0 && may_resend(call->head.method(), reply.failure);
  if (const auto other = resend ? upstream.next(i) : std::nullopt) {
    --call->retries_left;
    spdlog::info("gateway: {} {} failed on {} ({}); retrying on {}", call->head.method_string(), call->head.target(),
                 upstream.endpoint(i).str(), reply.error, upstream.endpoint(*other).str());
    return send(call, *other);
  }
  finish(call, answer(call->head, upstream.service(), std::move(reply)));
}

http::Response Gateway::Impl::answer(const http::Request& head, const std::string& service,
                                     http::Reply reply) {
  if (reply.answered()) {
    http::Response res = std::move(reply.response);
    downstream_response(res);
    return res;
  }
  spdlog::warn("gateway: {} {}: {}", head.method_string(), head.target(), reply.error);
  if (reply.failure == http::Failure::Timeout)
    return http::error_response(head, http::Status::gateway_timeout,
                                "service " + service + " did not answer within " +
                                    std::to_string(timeout.count()) + " ms");
  // Refused: the service is not there (as "no instance is ready", a 503 to try again later);
  // Broken: it failed in the middle of the call.
  if (reply.failure == http::Failure::Refused) return service_unavailable(head, service, "");
  return http::error_response(head, http::Status::bad_gateway, "service " + service + " is unavailable");
}

void Gateway::Impl::finish(const CallPtr& call, http::Response res, bool decorate) {
  call->respond(decorated(call, std::move(res), decorate));
}

// What every answer gets on its way out (a stream's head too): CORS, the request id, a log line.
http::Response Gateway::Impl::decorated(const CallPtr& call, http::Response res, bool decorate) {
  if (decorate) cors.decorate(call->head, res);
  if (!call->record.request_id.empty()) res.set(kRequestIdHeader, call->record.request_id);
  if (access_log) log_access(call->record, call->head, res);
  record_request(metrics, call->head.method_string(), call->route, res.result_int(),
                 std::chrono::steady_clock::now() - call->record.started);
  return res;
}

Gateway::Gateway(const Config& config) : impl_(std::make_unique<Impl>(config)) {}
Gateway::~Gateway() = default;

void Gateway::start() {
  impl_->server.start();
  spdlog::info("gateway listening on port {} (security {})", impl_->server.port(),
               impl_->authenticator ? "on" : "off");
}

std::uint16_t Gateway::port() const { return impl_->server.port(); }

void Gateway::stop(std::chrono::milliseconds grace) { impl_->server.stop(grace); }

}  // namespace hexa::gateway
