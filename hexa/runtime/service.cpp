#include "hexa/runtime/service.hpp"

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <iostream>
#include <thread>

#include "hexa/docs/openapi.hpp"
#include "hexa/events/outbox_relay.hpp"
#include "hexa/events/payload.hpp"
#include "hexa/grpc/grpc_server.hpp"
#include "hexa/http/server.hpp"
#include "hexa/http/syntax.hpp"
#include "hexa/rest/json_limits.hpp"
#include "hexa/rest/live_feed.hpp"
#include "hexa/rest/public_url.hpp"
#include "hexa/runtime/fault_injection.hpp"
#include "hexa/runtime/health.hpp"
#include "hexa/runtime/inbound_bulkhead.hpp"
#include "hexa/runtime/logging.hpp"
#include "hexa/runtime/process_metrics.hpp"
#include "hexa/runtime/request_metrics.hpp"
#include "hexa/runtime/seed_rows.hpp"
#include "hexa/runtime/worker_pool.hpp"
#include "hexa/store/watched_store.hpp"

namespace hexa {

struct Service::Runtime {
  // First, so that it outlives the store that tells it of commits (its thread is stopped in run()).
  std::unique_ptr<rest::LiveFeed> feed;  // serving only (run()): /<collection>/live
  std::unique_ptr<Store> store;
  std::unique_ptr<EventBus> bus;
  std::unique_ptr<HealthMonitor> health;
  std::unique_ptr<OutboxRelay> relay;
  std::unique_ptr<Transactor> transactor;
  std::vector<std::unique_ptr<rest::ResourceCore>> resources;
  InboundBulkheads bulkheads;  // resources.<collection>.max-concurrent
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<FaultInjector> faults;  // only when configured
  std::unique_ptr<http::Server> server;
  std::unique_ptr<grpc::GrpcServer> grpc;  // only when grpc.port is set
  std::unique_ptr<Subscription> subscription;
  Start start = Start::earliest;  // events.start
  std::vector<SeedRows> seeds;     // seed.<collection>, created once the configuration is checked
  std::atomic<bool> ready{false};

  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread reconciler;
  std::thread retrier;  // of parked events
};

namespace {

http::Response handle_safely(const Route& route, const http::Request& req, const PathParams& params) {
  // A request that waited past its caller's deadline is not worth doing: the caller is gone.
  if (auto deadline = rest::request_deadline(req); deadline && now_ms() > *deadline)
    return http::error_response(req, http::Status::gateway_timeout,
                                "the caller's deadline passed before the request could be handled");
  try {
    return route.handler(req, params);
  } catch (const Unavailable& e) {
    auto res = http::error_response(req, http::Status::service_unavailable, e.what());
    res.set(http::beast_http::field::retry_after, std::to_string(e.retry_after_s));
    return res;
  } catch (const Error& e) {
    return http::error_response(req, static_cast<http::Status>(e.status()), e.what());
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", std::string(req.method_string()), std::string(req.target()), e.what());
    return http::error_response(req, http::Status::internal_server_error, "internal error");
  }
}

bool has_json_body(const http::Request& req) {
  auto it = req.find(http::beast_http::field::content_type);
  if (it == req.end()) return false;
  std::string type(it->value().substr(0, it->value().find(';')));  // the media type, no parameters
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // application/json or a structured suffix (application/merge-patch+json); not application/jsonp
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

// Why a request is a 400 before any route sees it: forwarded headers a trusted proxy got wrong,
// or a path or query that is not UTF-8 once decoded (JSON could not carry it back).
std::optional<std::string> refusal_at_door(http::Request& req, const http::Peer& peer,
                                           const rest::ForwardedHeaders& forwarded) {
  if (auto problem = forwarded.admit(req, peer.address)) return problem;
  if (!http::is_valid_utf8(url_decode(req.target()))) return "the request's path or query is not UTF-8";
  return std::nullopt;
}

}  // namespace

Service::Service(std::string name, int argc, char** argv)
    : name_(std::move(name)), process_(argc, argv, name_ + "-1"), config_(process_.config()),
      instance_(process_.instance()) {
  client_ = std::make_unique<http::Client>();
}

Service::Service(std::string name, Config config, Transports transports)
    : name_(std::move(name)), process_(std::move(config), name_ + "-1"), config_(process_.config()),
      instance_(process_.instance()), transports_(std::move(transports)) {
  client_ = std::make_unique<http::Client>();  // channels (webhooks) still need one
}

Service::~Service() = default;

void Service::on_event(const std::string& type, PolicyFn fn) { policies_.add(type, std::move(fn)); }

Channel& Service::channel(const std::string& name) {
  auto& c = channels_[name];
  if (!c) c = open_channel(name, config_, *client_);
  return *c;
}

RemoteCaller& Service::caller(const std::string& service) {
  auto& c = callers_[service];
  if (!c)
    c = transports_ ? std::make_unique<RemoteCaller>(transports_(service), config_, service, metrics_)
                   : std::make_unique<RemoteCaller>(*client_, config_, service, metrics_);
  return *c;
}

void Service::dispatch(http::Request&& req, http::Responder respond_untimed) {
  auto match = router_.match(req.method(), req.target());
  auto respond = timed(metrics_, req, uri_label(match), std::move(respond_untimed));
  if (auto refusal = refusal_before_route(match, req)) return respond(std::move(*refusal));
  if (match.route->stream) return match.route->stream(req, match.params, std::move(respond));
  if (match.route->blocking == Blocking::No) {
    respond(handle_safely(*match.route, req, match.params));
    return;
  }
  InboundBulkheads::Permit permit;  // held until the answer is sent
  if (auto busy = admit(req, permit)) return respond(std::move(*busy));
  const bool inject = rt_->faults && req.target().rfind("/actuator", 0) != 0;
  if (inject) {
    rt_->faults->submit([this, route = match.route, params = std::move(match.params), req = std::move(req),
                         respond = std::move(respond), permit](bool error, std::function<void()> done) {
      auto res = error ? http::error_response(req, static_cast<http::Status>(rt_->faults->options().error_status),
                                              "injected fault")
                       : handle_safely(*route, req, params);
      rt_->faults->answer([respond, res = std::move(res), done, permit]() mutable {
        respond(std::move(res));
        done();
      });
    });
    return;
  }
  rt_->workers->post([route = match.route, params = std::move(match.params), req = std::move(req),
                      respond = std::move(respond), permit = std::move(permit)] {
    respond(handle_safely(*route, req, params));
  });
}

// No route for it (404, or 405 when the path is known), or a write that is not JSON (415).
std::optional<http::Response> Service::refusal_before_route(const Router::Match& match, const http::Request& req) {
  if (!match.route)
    return match.path_known
               ? http::error_response(req, http::Status::method_not_allowed,
                                      fmt::format("Request method '{}' is not supported", std::string(req.method_string())))
               : http::error_response(req, http::Status::not_found, "No resource at this path");
  const bool writes = req.method() == http::Verb::post || req.method() == http::Verb::put ||
                      req.method() == http::Verb::patch;
  if (writes && !has_json_body(req))
    return http::error_response(req, http::Status::unsupported_media_type, "Content type must be application/json");
  return std::nullopt;
}

// A place in the resource's inbound bulkhead, or the 503 when it is full.
std::optional<http::Response> Service::admit(const http::Request& req, InboundBulkheads::Permit& permit) {
  try {
    permit = rt_->bulkheads.admit(req.method(), req.target());
    return std::nullopt;
  } catch (const Unavailable& e) {
    auto res = http::error_response(req, http::Status::service_unavailable, e.what());
    res.set(http::beast_http::field::retry_after, std::to_string(e.retry_after_s));
    return res;
  }
}

http::Response Service::answer(const http::Request& req) {
  auto match = router_.match(req.method(), req.target());
  if (auto refusal = refusal_before_route(match, req)) return std::move(*refusal);
  InboundBulkheads::Permit permit;
  if (auto busy = admit(req, permit)) return std::move(*busy);
  return handle_safely(*match.route, req, match.params);
}

namespace {
// Created at start, as the seed's container did (`touch /tmp/healthy`): removing it makes
// liveness fail, and the instance that replaces this one is alive again.
void create_liveness_file(const std::string& path) {
  if (path.empty() || std::filesystem::exists(path)) return;
  const std::filesystem::path file(path);
  std::error_code ignored;  // a missing parent shows as the open failing below
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ignored);
  if (!std::ofstream(file)) throw std::runtime_error("management.health.liveness.file: cannot create " + path);
}
}  // namespace

void Service::add_actuator_routes() {
  // The seed's self-healing demo: while this file is missing, liveness is DOWN and a
  // supervisor restarts the instance. Absent: no file is checked.
  const std::string liveness_file = config_.get("management.health.liveness.file", "");
  create_liveness_file(liveness_file);
  auto health = [this, liveness_file](bool need_ready) {
    return [this, need_ready, liveness_file](const http::Request& req, const PathParams&) {
      // On the I/O thread, waiting on nothing: store and bus are checked in the background.
      const bool store_up = need_ready && rt_->health->store_up();
      const bool bus_up = need_ready && rt_->health->bus_up();
      std::error_code ignored;  // an unreadable path counts as missing
      const bool alive = liveness_file.empty() || std::filesystem::exists(liveness_file, ignored);
      const bool up = need_ready ? (rt_->ready && store_up && bus_up) : alive;
      rest::Json body{{"status", up ? "UP" : "DOWN"}};
      if (need_ready)
        body["components"] = {{"store", {{"status", store_up ? "UP" : "DOWN"}}},
                              {"bus", {{"status", bus_up ? "UP" : "DOWN"}}}};
      return http::json_response(req, up ? http::Status::ok : http::Status::service_unavailable, body.dump());
    };
  };
  router_.add(http::Verb::get, "/actuator/health", health(true), Blocking::No);
  router_.add(http::Verb::get, "/actuator/health/readiness", health(true), Blocking::No);
  router_.add(http::Verb::get, "/actuator/health/liveness", health(false), Blocking::No);
  router_.add(http::Verb::get, "/actuator/prometheus", [this](const http::Request& req, const PathParams&) {
    return metrics_response(req, metrics_);
  }, Blocking::No);
}

void Service::add_fault_control_route() {
  router_.add(http::Verb::post, "/actuator/faults", [this](const http::Request& req, const PathParams&) {
    auto body = rest::parse_client_json(req.body());
    if (!body.is_object()) throw Invalid("a JSON object of fault settings is expected");
    std::map<std::string, std::optional<std::string>> given;
    for (const auto& [k, v] : body.items())
      given[Config::env_name("fault." + k)] = v.is_string() ? v.get<std::string>() : v.dump();
    const Config settings = Config::from_string("{}", {}, [&given](const std::string& env_name) {
      auto it = given.find(env_name);
      return it == given.end() ? std::nullopt : it->second;
    });
    FaultOptions o;
    try {
      o = FaultOptions::from(settings);
    } catch (const std::runtime_error& e) {
      throw Invalid(e.what());
    }
    rt_->faults->update(o);
    spdlog::warn("faults changed: delay {}-{} ms, error rate {} (status {}), capacity {}, answer delay {} ms",
                 o.delay_min_ms, o.delay_max_ms, o.error_rate, o.error_status, o.capacity, o.answer_delay_ms);
    return http::json_response(req, http::Status::ok, body.dump());
  }, Blocking::No);
}

// What every running service reports besides its requests (request_metrics.hpp) and calls
// (remote_caller.hpp): the process, its readiness, the outbox.
void Service::add_runtime_metrics() {
  add_process_metrics(metrics_);
  metrics_.gauge("hexa_readiness_up", {}, "1 while /actuator/health/readiness answers UP", [&rt = *rt_] {
    return rt.ready && rt.health->store_up() && rt.health->bus_up() ? 1.0 : 0.0;
  });
  auto* relay = rt_->relay.get();
  metrics_.gauge("hexa_outbox_events", {}, "committed events waiting in the outbox, as the relay last read it "
                 "(at most one batch)", [relay] { return static_cast<double>(relay->backlog().events); });
  metrics_.gauge("hexa_outbox_oldest_age_seconds", {}, "age of the oldest event waiting in the outbox; 0 when empty",
                 [relay] {
                   const auto b = relay->backlog();
                   return b.events == 0 ? 0.0 : std::max<double>(0, static_cast<double>(now_ms() - b.oldest_ms) / 1000);
                 });
  metrics_.counter("hexa_outbox_relayed_events_total", {}, "events the relay has published to the bus",
                   [relay] { return static_cast<double>(relay->relayed()); });
}

// The event subscription, and the thread that retries parked events (policies.hpp).
namespace {
Start start_of(const Config& config) {
  const std::string start = config.get("events.start", "earliest");
  if (start != "earliest" && start != "latest")
    throw std::runtime_error("events.start: '" + start + "' is neither earliest nor latest");
  return start == "latest" ? Start::latest : Start::earliest;
}
}  // namespace

void Service::start_policies(Start start) {
  auto& rt = *rt_;
  rt.subscription = rt.bus->subscribe_batches(
      {.group = name_, .topic = rt.transactor->source().topic, .member = instance_, .types = policies_.types(),
       .start = start},
      [this, &rt](std::span<const Event> events) { return policies_.handle(events, *rt.transactor); });
  metrics_.counter("hexa_events_handled_total", {}, "events this instance's consumer has handled",
                 [sub = rt.subscription.get()] { return static_cast<double>(sub->handled()); });
  metrics_.gauges("hexa_consumer_lag_events", "events published and not yet handled, per partition this member owns",
                  [this, sub = rt.subscription.get(), topic = rt.transactor->source().topic] {
                    MetricSamples out;
                    for (const auto& p : sub->lag())
                      out.push_back({{{"group", name_}, {"topic", topic}, {"partition", std::to_string(p.partition)}},
                                     static_cast<double>(p.lag)});
                    return out;
                  });
  metrics_.counter("hexa_events_refused_total", {}, "events a policy refused (final: a domain refusal)",
                 [this] { return static_cast<double>(policies_.refused()); });
  metrics_.counter("hexa_events_parked_total", {}, "events parked to be retried later",
                 [this] { return static_cast<double>(policies_.parked()); });
  metrics_.counter("hexa_events_retried_total", {}, "attempts at handling a parked event again",
                   [this] { return static_cast<double>(policies_.retried()); });
  metrics_.counter("hexa_events_given_up_total", {}, "parked events given up after events.retry.max-attempts",
                 [this] { return static_cast<double>(policies_.given_up()); });
  const auto tick = std::chrono::milliseconds(std::min<std::int64_t>(policies_.options().initial_ms, 100));
  rt.retrier = std::thread([this, &rt, tick] {
    std::unique_lock lock(rt.mutex);
    while (!rt.stopping) {
      lock.unlock();
      try {
        policies_.retry_parked(*rt.transactor);
      } catch (const std::exception& e) {
        spdlog::warn("retrying parked events: {}", e.what());
      }
      lock.lock();
      rt.wake.wait_for(lock, tick, [&] { return rt.stopping; });
    }
  });
}

// What a started service is, with or without a server and a bus (run(), and an in-process
// test): the transactor on the store, the resources (schemas, routes, bulkheads), the
// policies' options and table, and the seed rows read. Returns whether any resource is guarded.
bool Service::open_domain(std::function<void()> on_events) {
  auto& rt = *rt_;
  rt.transactor = std::make_unique<Transactor>(
      *rt.store, EventSource{name_, config_.get("bus.topic", config_.get("system.name", "events"))},
      std::move(on_events));
  bool guarded = false;
  for (auto& spec : specs_) {
    auto core = std::make_unique<rest::ResourceCore>(spec, *rt.transactor);
    guarded = guarded || core->guarded();
    core->migrate();
    core->add_routes(router_, rt.feed.get());
    if (spec.served) rt.bulkheads.configure(config_, spec.model->collection);
    rt.resources.push_back(std::move(core));
  }
  rt.bulkheads.register_metrics(metrics_);
  auto& reads = metrics_.histogram("hexa_store_transaction_seconds", {{"access", "read"}},
                                   "local store transactions, begin to commit or rollback");
  auto& writes = metrics_.histogram("hexa_store_transaction_seconds", {{"access", "write"}},
                                    "local store transactions, begin to commit or rollback");
  rt.transactor->observe([&reads, &writes](Access access, std::chrono::steady_clock::duration took) {
    (access == Access::Read ? reads : writes).observe(std::chrono::duration<double>(took).count());
  });
  policies_.set_options(PolicyOptions::from(config_));  // read before the check, used once serving
  rt.start = start_of(config_);
  if (!policies_.empty()) policies_.migrate(*rt.store);
  rt.seeds = read_seed_rows(config_, specs_);
  return guarded;
}

void Service::start_in_process(const std::string& store_url) {
  rt_ = std::make_unique<Runtime>();
  rt_->store = open_store(store_url);
  open_domain({});
  // What only serving reads (run()): a test checks the domain's keys, not the server's.
  for (const char* section : {"server", "data", "store", "bus", "fault", "management", "logging"}) config_.claim(section);
  config_.check_known();
  seed_rows(rt_->seeds, [this](const http::Request& req) { return answer(req); });
}

std::size_t Service::handle_in_process(std::span<const Event> events) {
  return policies_.handle(events, *rt_->transactor);
}
std::size_t Service::retry_parked_in_process() { return policies_.retry_parked(*rt_->transactor); }
int Service::reconcile_in_process() {
  int settled = 0;
  for (auto& r : rt_->resources) settled += r->reconcile();
  return settled;
}
Store& Service::store_in_process() { return *rt_->store; }

// A store or bus that cannot be opened, a port taken: the reason and exit code 1, which the
// launcher (and kubelet) report and restart, never an abort on an uncaught exception.
int Service::run() {
  try {
    return serve();
  } catch (const std::exception& e) {
    spdlog::critical("{} cannot run: {}", instance_, e.what());
    return 1;
  }
}

int Service::serve() {
  if (process_.describing()) {  // what it declares, and nothing opened (description.hpp)
    std::cout << description() << std::endl;
    return 0;
  }
  rt_ = std::make_unique<Runtime>();
  auto& rt = *rt_;
  const std::string data_dir = config_.get("data.dir", "data/" + name_);
  std::filesystem::create_directories(data_dir);
  rt.feed = std::make_unique<rest::LiveFeed>(std::chrono::milliseconds(config_.get_int("live.heartbeat-ms", 15000)));
  rt.store = std::make_unique<WatchedStore>(
      open_store(config_.get("store.url", "sqlite:" + data_dir + "/" + name_ + ".db")), *rt.feed);
  rt.bus = open_bus(config_.get("bus.url", "log:" + data_dir + "/../bus"));
  rt.health = std::make_unique<HealthMonitor>(
      *rt.store, *rt.bus, std::chrono::milliseconds(config_.get_int("management.health.interval-ms", 500)));
  rt.relay = std::make_unique<OutboxRelay>(*rt.store, *rt.bus);
  const bool guarded = open_domain([relay = rt.relay.get()] { relay->notify(); });
  add_runtime_metrics();
  // A guarded service holds a worker through each call to its callee, so it needs as many as
  // calls may be in flight (its bulkhead's 32). Any other's requests wait only on the store,
  // where more workers only hand the write turn around more: car rental, 100 clients, pay,
  // reservation and mypage at 64 / 8 / 4 / 2 workers: 0.61 / 0.56 / 0.49-0.53 / 0.50 ms of CPU
  // per flow (e-learning 0.65 at 64, 0.55 at 2), interleaved runs.
  rt.workers = std::make_unique<WorkerPool>(config_.get_int("server.workers", guarded ? 32 : 2));
  const bool fault_control = config_.get_bool("fault.control-enabled", false);
  if (auto faults = FaultOptions::from(config_); faults.active() || fault_control) {
    rt.faults = std::make_unique<FaultInjector>(faults, [&rt](std::function<void()> job) { rt.workers->post(std::move(job)); });
    spdlog::warn("fault injection on: delay {}-{} ms, error rate {}, capacity {}", faults.delay_min_ms,
                 faults.delay_max_ms, faults.error_rate, faults.capacity);
  }
  add_actuator_routes();
  router_.add(http::Verb::get, "/v3/api-docs", docs::api_docs_route(rest::Json::parse(description())), Blocking::No);
  if (fault_control) add_fault_control_route();
  http::ServerOptions options;
  options.address = config_.get("server.address", "127.0.0.1");
  options.port = static_cast<std::uint16_t>(config_.get_int("server.port", 8080));
  options.body_limit = config_.get_int("server.max-body-bytes", 1024 * 1024);
  options.io_threads = static_cast<int>(config_.get_int("server.io-threads", 1));
  const std::chrono::milliseconds grace(config_.get_int("server.shutdown-grace-ms", 5000));
  // Services trust forwarded headers from loopback only: their gateway's (public_url.hpp).
  auto forwarded = rest::ForwardedHeaders::from(config_, "127.0.0.1, ::1");
  const auto grpc_port = static_cast<int>(config_.get_int("grpc.port", 0));  // 0: no gRPC
  try {
    config_.check_known();  // every start-up read is done: a key nobody read is a typo
    seed_rows(rt.seeds, [this](const http::Request& req) { return answer(req); });
  } catch (const std::runtime_error& e) {
    spdlog::critical("{} cannot start: {}", instance_, e.what());
    rt.faults.reset();
    rt.workers->stop();
    return 1;
  }
  // The one door of both inbound adapters: forwarded headers and UTF-8 checked, then dispatch.
  const http::PeerDispatch door = [this, forwarded = std::move(forwarded)](
                                      http::Request&& req, const http::Peer& peer, http::Responder r) {
    if (const auto problem = refusal_at_door(req, peer, forwarded))
      return r(http::error_response(req, http::Status::bad_request, *problem));
    dispatch(std::move(req), std::move(r));
  };
  rt.server = std::make_unique<http::Server>(options, door);
  if (grpc_port > 0)
    rt.grpc = std::make_unique<grpc::GrpcServer>(rest::Json::parse(description()), door, options.address, grpc_port);
  rt.feed->start();
  rt.server->start();
  if (!policies_.empty()) start_policies(rt.start);
  if (guarded)
    rt.reconciler = std::thread([this, &rt] {
      std::unique_lock lock(rt.mutex);
      while (!rt.stopping) {
        lock.unlock();
        for (auto& r : rt.resources) {
          try { r->reconcile(); } catch (const std::exception& e) { spdlog::warn("reconcile: {}", e.what()); }
        }
        lock.lock();
        rt.wake.wait_for(lock, std::chrono::seconds(1), [&] { return rt.stopping; });
      }
    });
  rt.ready = true;
  spdlog::info("{} started on {}:{} (profiles: {})", instance_, options.address, rt.server->port(),
               fmt::join(config_.profiles(), ","));
  if (rt.grpc) spdlog::info("{} serves gRPC on {}:{}", instance_, options.address, rt.grpc->port());

  const int sig = process_.wait_for_stop();
  spdlog::info("{} stopping (signal {})", instance_, sig);
  rt.ready = false;
  rt.server->stop(grace);
  if (rt.grpc) rt.grpc->stop(grace);
  rt.subscription.reset();
  {
    std::lock_guard lock(rt.mutex);
    rt.stopping = true;
  }
  rt.wake.notify_all();
  if (rt.reconciler.joinable()) rt.reconciler.join();
  if (rt.retrier.joinable()) rt.retrier.join();
  rt.faults.reset();
  rt.workers->stop();
  rt.relay.reset();
  rt.feed->stop();  // its streams ended with the server
  spdlog::info("{} stopped", instance_);
  return 0;
}

}  // namespace hexa
