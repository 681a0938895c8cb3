#pragma once
// A service's real declarations run in a test's process, without processes or ports: feed it
// an HTTP request or an event as if from the bus, then assert the answer, the stored state
// (GET through its resources, or store()) and the events it raised (its outbox). Remote
// services are fakes, one per name the service calls: a handler from request to answer,
// another service in process, or a callee that is down, slow or refusing. Everything runs on
// the test's thread, so a domain test takes milliseconds and needs no waiting.
//
//   hexa::testing::InProcess pay("pay", carrental::pay::declare, {.config_file = CARRENTAL_DIR "/pay/application.yaml"});
//   hexa::testing::InProcess contract("contract", carrental::contract::declare, {...});
//   contract.remote("pay").by(pay);                          // contract's calls to pay, served by pay
//   auto signed_ = contract.post("/contracts", {{"custName", "고객1"}, {"modelName", "쏘나타"}, {"amt", 100}});
//   reservation.deliver(pay.raised());                       // as the bus would
//   EXPECT_EQ(reservation.raised<Reserved>().size(), 1);
//   contract.remote("pay").down();                           // contract's next sign: 503
//
// How a service's declarations reach a test: each service's main.cpp declares in a function
// of its own namespace and keeps a main() of three lines,
//
//   namespace carrental::pay { void declare(hexa::Service& svc) { ...declarations... } }
//   int main(int argc, char** argv) {
//     hexa::Service svc("pay", argc, argv);
//     carrental::pay::declare(svc);
//     return svc.run();
//   }
//
// and a test compiles that same file with main renamed (CMake: hexa_service_test, as SDL's
// `#define main SDL_main`). Chosen over a registration macro: no registry (no global state),
// no macro in the service's text, and main still reads as what the service is. Which remote
// services exist is what the declarations ask for (svc.remote<T>(name)).
//
// What is the same as in a service: routes, dispatch's 404/405/415, inbound bulkheads, the
// error JSON, resources with their validation, commands, guards and Idempotency-Key, policies
// (handled once, parked and retried), views, the real RemoteCaller with its timeouts, breaker
// and bulkhead from clients.<name>, the configuration check and seed rows. What is not: no
// server (no body limit, forwarded-header or UTF-8 checks at the door), no bus or relay (events
// stay in the outbox for raised()), no actuator routes, no background threads (the test calls
// retry_parked() and reconcile() when it means them). The store is SQLite in a fresh temporary
// directory, removed with the object.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/events/event.hpp"
#include "hexa/events/payload.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/runtime/service.hpp"

namespace hexa::testing {

using Headers = std::map<std::string, std::string>;

// What a request got back.
struct Answer {
  int status = 0;
  std::string body;
  Headers headers;  // names in lower case
  rest::Json json() const { return rest::Json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const;  // "" when absent; any case
};

// One request a service sent to a faked callee.
struct Call {
  http::Verb method;
  std::string target;
  std::string body;
  Headers headers;  // names in lower case
  rest::Json json() const { return rest::Json::parse(body, nullptr, false); }
};

class InProcess;

// The fake of one remote service. Until told otherwise it is down ("not faked in this test").
class FakeRemote {
 public:
  using Handler = std::function<Answer(const Call&)>;

  FakeRemote& answer(Handler handler);  // up, each call answered by `handler`
  FakeRemote& by(InProcess& service);   // up, each call served by that service in process
  FakeRemote& down();                   // connections refused: the caller gets Unavailable
  FakeRemote& refusing(int status, std::string message);  // up, answering every call so
  // Each call answered after `delay` (really waited, as a breaker measures it); a delay at or
  // past the caller's timeout answers nothing: a timeout, Uncertain to the caller.
  FakeRemote& slow(std::chrono::milliseconds delay);
  // Each call acted on at once and answered after `delay` (pay's fault.answer-delay-ms); at or
  // past the caller's timeout the work is done but the caller gets a timeout, Uncertain.
  FakeRemote& late(std::chrono::milliseconds delay);
  FakeRemote& fast();                   // no delay, slow or late, again

  std::vector<Call> calls() const;  // every call that reached it, down or not, in order
  std::size_t count() const;

  // The transport a service's RemoteCaller sends through (remote_caller.hpp).
  http::Reply send(http::Request req, std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mutex_;
  Handler handler_;  // null: down
  std::string down_reason_ = "not faked in this test";
  std::chrono::milliseconds delay_{0};
  std::chrono::milliseconds late_{0};
  std::vector<Call> calls_;
};

struct Options {
  std::string config_file;                 // the service's application.yaml; empty: none
  std::string store_url;                   // empty: SQLite in a fresh directory (a restart or a
                                           // replica: give two the same file)
  std::vector<std::string> profiles;       // besides "default"
  std::map<std::string, std::string> set;  // config key -> value, over the file as the environment would
};

class InProcess {
 public:
  using Declare = std::function<void(Service&)>;

  // Declares the service and starts it (schemas, routes, seed rows); throws what start-up
  // would stop on (an unknown configuration key, a refused seed row).
  InProcess(std::string name, const Declare& declare, Options options = {});
  ~InProcess();
  InProcess(const InProcess&) = delete;
  InProcess& operator=(const InProcess&) = delete;

  // A request as it reaches the service; a body is sent as application/json unless the
  // headers say otherwise.
  Answer request(http::Verb method, const std::string& target, const std::string& body = "",
                 const Headers& headers = {});
  Answer get(const std::string& target, const Headers& headers = {});
  Answer post(const std::string& target, const rest::Json& body, const Headers& headers = {});
  Answer put(const std::string& target, const rest::Json& body, const Headers& headers = {});
  Answer patch(const std::string& target, const rest::Json& body, const Headers& headers = {});
  Answer del(const std::string& target, const Headers& headers = {});

  FakeRemote& remote(const std::string& service);  // the fake its calls to `service` reach

  // Events as the bus would deliver them (again: a redelivery); how many were handled or parked.
  std::size_t deliver(const Event& e);
  std::size_t deliver(const std::vector<Event>& events);  // one by one, in order
  std::size_t deliver(const std::string& type, const rest::Json& fields, const std::string& key = "");
  template <class E>
  std::size_t deliver(const E& e) {
    const Record r = to_record(e);
    return deliver(event(std::string(E::name), UnitOfWork::key_text(r.at(std::string(E::key))), r));
  }

  // The events it raised so far (committed, in order), as they would be published.
  std::vector<Event> raised() const;
  std::vector<Event> raised(std::string_view type) const;
  template <class E>
  std::vector<E> raised() const {
    std::vector<E> out;
    for (const auto& e : raised(E::name)) out.push_back(from_record<E>(decode_payload(e.payload)));
    return out;
  }

  std::size_t retry_parked();  // the parked events due now (policies.hpp)
  int reconcile();             // guarded creations and commands whose outcome is unknown
  Store& store();
  const Config& config() const { return service_->config(); }

 private:
  Event event(const std::string& type, const std::string& key, const Record& fields) const;

  struct Directory {  // removed last, after the service has closed its store
    std::filesystem::path path;
    ~Directory();
  };
  Directory dir_;
  std::map<std::string, std::unique_ptr<FakeRemote>> remotes_;
  std::unique_ptr<Service> service_;
};

// The bus between services in process: flow() hands every service (itself included, as a
// subscription to the system's topic does) each event raised since the last flow, in the order
// each service raised them, until no service raises a new one.
class Bus {
 public:
  Bus(std::initializer_list<InProcess*> services) : services_(services) {}
  std::size_t flow();  // how many events were delivered

 private:
  std::vector<InProcess*> services_;
  std::map<std::pair<const InProcess*, const InProcess*>, std::size_t> given_;  // (from, to) -> events given
};

}  // namespace hexa::testing
