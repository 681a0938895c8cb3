#pragma once
// A service's runtime: everything that is not its domain. A service's main() declares its
// resources, policies, views and remotes, then calls run():
//
//   int main(int argc, char** argv) {
//     hexa::Service svc("pay", argc, argv);
//     svc.resource<Pay>().idempotent_on("contractId").on_created(...);
//     svc.when<ContractCanceled>([](const ContractCanceled& e, hexa::UnitOfWork& uow) {...});
//     return svc.run();
//   }
//
// run() opens the store (store.url, default sqlite:$DATA_DIR/<name>.db) and the bus (bus.url,
// BUS_URL), migrates schemas, starts the outbox relay, the event subscription (group = the
// service's name; events.start: earliest (default) | latest, where a group with no position
// yet starts), the retrier of parked events (events.retry.*, policies.hpp), the HTTP server
// (server.port) with /actuator/health{,/liveness,/readiness}, and waits for SIGTERM/SIGINT,
// then drains and exits cleanly. GET /v3/api-docs serves its OpenAPI document (hexa/docs/openapi.hpp).
//
// `<service> --describe` prints what the service declares (JSON, description.hpp) and exits
// from run() before anything is opened; without --config its settings are the defaults.
//
// Every served collection also answers GET /<collection>/live with an event stream of its
// committed changes (hexa/rest/live_feed.hpp; live.heartbeat-ms, default 15000).
//
// Each served resource may be given an inbound bulkhead (resources.<collection>.max-concurrent,
// .busy-message; inbound_bulkhead.hpp): writes beyond it are answered 503 at once, before they
// wait for a worker. A guarded creation or command is settled by a reconciler thread (once a
// second) when its caller could not tell the outcome.
//
// Configuration read here besides: management.health.liveness.file (created at start; liveness
// DOWN while that file is missing; absent: no file check) and seed.<collection> (rows created at start-up,
// seed_rows.hpp). The same declarations run in a test's process, without ports or processes,
// through hexa::testing::InProcess (hexa/testing/in_process.hpp).
#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hexa/channels/channel.hpp"
#include "hexa/client/remote.hpp"
#include "hexa/config/config.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/rest/resource.hpp"
#include "hexa/runtime/declarations.hpp"
#include "hexa/runtime/inbound_bulkhead.hpp"
#include "hexa/runtime/metrics.hpp"
#include "hexa/runtime/policies.hpp"
#include "hexa/runtime/process.hpp"
#include "hexa/runtime/router.hpp"
#include "hexa/runtime/view.hpp"

namespace hexa {

namespace testing {
class InProcess;
}

class Service {
 public:
  // Reads --config <application.yaml> from argv and PROFILE from the environment.
  Service(std::string name, int argc, char** argv);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const Config& config() const { return process_.config(); }
  const std::string& name() const { return name_; }

  template <class T>
  Resource<T> resource() {
    specs_.emplace_back();
    return Resource<T>(specs_.back());
  }

  // A policy: when an event E arrives, run `fn` in one local transaction (idempotent: an event
  // seen before is skipped). E declares `name` and `key`. Retry versus drop: policies.hpp.
  template <class E>
  void when(std::function<void(const E&, UnitOfWork&)> fn) {
    declared_.policies.push_back(&event_info<E>());
    on_event(std::string(E::name), [fn = std::move(fn)](const Record& payload, UnitOfWork& uow) {
      fn(from_record<E>(payload), uow);
    });
  }

  // A policy of steps, remote ones outside any transaction: svc.when<E>().call(...).then(...)
  // (step_policy.hpp).
  template <class E>
  When<E> when() {
    auto plan = std::make_shared<StepPlan>();
    policies_.add_steps(std::string(E::name), plan);
    declared_.step_policies.push_back({&event_info<E>(), plan});
    return When<E>(std::move(plan));
  }

  // An outbound channel named in code, its kind from config channels.<name>.type (webhook |
  // log; hexa/channels/channel.hpp). Sending is a remote step.
  Channel& channel(const std::string& name);

  // A CQRS view keyed by `key_field`, served read-only at /<collection>.
  template <class T>
  View<T> view(std::string key_field) {
    specs_.emplace_back();
    Resource<T>(specs_.back()).read_only(model_of<T>().collection + " is a view kept from events; it cannot be written")
        .find_by(key_field);
    auto note = declared_.view(model_of<T>(), key_field, true);
    return View<T>([this](const std::string& type, PolicyFn fn) { on_event(type, std::move(fn)); },
                   std::move(key_field), std::move(note));
  }

  // The same, kept from events but not served (no routes): a read model for the service itself.
  template <class T>
  View<T> local_view(std::string key_field) {
    specs_.emplace_back();
    Resource<T> r(specs_.back());
    specs_.back().served = false;
    auto note = declared_.view(model_of<T>(), key_field, false);
    return View<T>([this](const std::string& type, PolicyFn fn) { on_event(type, std::move(fn)); },
                   std::move(key_field), std::move(note));
  }

  template <class T>
  Remote<T> remote(const std::string& service) {
    auto& declared = declared_.remotes.emplace_back(Declarations::RemoteOf{service, &model_of<T>(), {}});
    return Remote<T>(caller(service), &declared.finders);
  }

  Router& router() { return router_; }
  int run();

  // What this service declares, as JSON (description.hpp): what `--describe` prints.
  std::string description() const;

 private:
  int serve();  // run() without its last word on an exception
  friend class testing::InProcess;  // the same declarations, run in a test's process
  struct Runtime;
  // A service in a test's process: its calls to each remote service go through the transport
  // `transports` gives for that service's name.
  using Transports = std::function<RemoteCaller::Transport(const std::string& service)>;
  Service(std::string name, Config config, Transports transports);
  bool open_domain(std::function<void()> on_events);
  void start_in_process(const std::string& store_url);
  std::size_t handle_in_process(std::span<const Event> events);
  std::size_t retry_parked_in_process();
  int reconcile_in_process();
  Store& store_in_process();
  void on_event(const std::string& type, PolicyFn fn);
  RemoteCaller& caller(const std::string& service);
  void dispatch(http::Request&& req, http::Responder respond);
  http::Response answer(const http::Request& req);  // dispatch's checks, on the calling thread
  std::optional<http::Response> refusal_before_route(const Router::Match& match, const http::Request& req);
  std::optional<http::Response> admit(const http::Request& req, InboundBulkheads::Permit& permit);
  void add_actuator_routes();
  void add_runtime_metrics();
  void add_fault_control_route();
  void start_policies(Start start);

  std::string name_;
  Process process_;
  const Config& config_;
  const std::string& instance_;
  std::list<rest::ResourceSpec> specs_;  // stable addresses for the builders
  Policies policies_{name_};
  Declarations declared_;
  std::map<std::string, std::unique_ptr<RemoteCaller>> callers_;
  std::map<std::string, std::unique_ptr<Channel>> channels_;
  Transports transports_;  // empty: client_
  Router router_;
  Metrics metrics_;
  std::unique_ptr<http::Client> client_;
  std::unique_ptr<Runtime> rt_;
};

}  // namespace hexa
