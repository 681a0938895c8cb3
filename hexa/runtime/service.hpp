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
// then drains and exits cleanly.
//
// Each served resource may be given an inbound bulkhead (resources.<collection>.max-concurrent,
// .busy-message; inbound_bulkhead.hpp): writes beyond it are answered 503 at once, before they
// wait for a worker. A guarded creation or command is settled by a reconciler thread (once a
// second) when its caller could not tell the outcome.
#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hexa/channels/channel.hpp"
#include "hexa/client/remote.hpp"
#include "hexa/config/config.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/rest/resource.hpp"
#include "hexa/runtime/metrics.hpp"
#include "hexa/runtime/policies.hpp"
#include "hexa/runtime/process.hpp"
#include "hexa/runtime/router.hpp"
#include "hexa/runtime/view.hpp"

namespace hexa {

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
    return View<T>([this](const std::string& type, PolicyFn fn) { on_event(type, std::move(fn)); },
                   std::move(key_field));
  }

  // The same, kept from events but not served (no routes): a read model for the service itself.
  template <class T>
  View<T> local_view(std::string key_field) {
    specs_.emplace_back();
    Resource<T> r(specs_.back());
    specs_.back().served = false;
    return View<T>([this](const std::string& type, PolicyFn fn) { on_event(type, std::move(fn)); },
                   std::move(key_field));
  }

  template <class T>
  Remote<T> remote(const std::string& service) {
    return Remote<T>(caller(service));
  }

  Router& router() { return router_; }
  int run();

 private:
  struct Runtime;
  void on_event(const std::string& type, PolicyFn fn);
  RemoteCaller& caller(const std::string& service);
  void dispatch(http::Request&& req, http::Responder respond);
  void add_actuator_routes();
  void add_fault_control_route();
  void start_policies(Start start);

  std::string name_;
  Process process_;
  const Config& config_;
  const std::string& instance_;
  std::list<rest::ResourceSpec> specs_;  // stable addresses for the builders
  Policies policies_{name_};
  std::map<std::string, std::unique_ptr<RemoteCaller>> callers_;
  std::map<std::string, std::unique_ptr<Channel>> channels_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<http::Client> client_;
  std::unique_ptr<Runtime> rt_;
};

}  // namespace hexa
