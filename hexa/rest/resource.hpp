#pragma once
// The typed face of a REST resource: a service declares what its aggregate allows, in domain
// terms, and the framework serves it (see resource_core.hpp for the conventions).
//
//   svc.resource<Contract>()
//      .command("status", "cancelled", [](Contract& c, UnitOfWork& uow) { c.cancel(uow); })
//      .deny(Method::Delete, "contracts are cancelled, not deleted");
//
//   svc.resource<Reservation>()                           // a command that needs payment's yes
//      .command("reserveStatus", "payment").guarded_by({
//          .confirm = [&](const Reservation& r, std::int64_t deadline_ms) { payments.create(payment_for(r), deadline_ms); },
//          .confirmed = [&](const Reservation& r) -> std::optional<bool> { ... },  // did payment act?
//          .then = [](Reservation& r, hexa::UnitOfWork& uow) { r.paid(); uow.raise(...); },
//          .fallback = "payment is busy, please try again later"})
//      .command("reserveStatus", "checkOut", check_out, {.roles = {"MANAGER"}})  // 403 for a customer
//      .post_updates_by_key();                             // the seed re-POSTs reservation 1 to pay
//
// Guarantees of a guarded command: see rest::CommandGuard (resource_core.hpp).
#include <functional>
#include <optional>
#include <string>

#include "hexa/rest/ownership.hpp"
#include "hexa/rest/resource_core.hpp"

namespace hexa {

enum class Method { Post, Put, Patch, Delete };

// Who may run a command: {.roles = {"MANAGER"}} (a caller the gateway checks needs one; see
// rest/caller.hpp for who is checked), or {.services_only = "why"} (no caller from outside).
using CommandAccess = rest::CommandAccess;

// A guarded command, typed (rest::CommandGuard says what each part does and when it runs).
template <class T>
struct CommandGuard {
  std::function<void(const T&, std::int64_t deadline_ms)> confirm;  // asks the callee; no transaction open
  std::function<std::optional<bool>(const T&)> confirmed;           // the reconciler's question; nullopt: cannot tell
  std::function<void(T&, UnitOfWork&)> then;                         // the change, once the callee said yes
  std::string fallback;                                              // the 503's message
  std::int64_t timeout_ms = 5000;  // bounds the whole confirm; the Remote's clients.<callee>.timeout-ms bounds each attempt
};

template <class T>
class Resource {
 public:
  using Hook = std::function<void(T&, UnitOfWork&)>;

  explicit Resource(rest::ResourceSpec& spec) : spec_(spec) {
    spec_.model = &model_of<T>();
    spec_.blank = [] { return UnitOfWork::without_id(to_record(T{})); };
    if constexpr (!owner_field<T>.empty()) spec_.owner = std::string(owner_field<T>);
  }

  Resource& on_created(Hook fn) { spec_.on_created = typed(std::move(fn)); return *this; }
  Resource& on_updated(Hook fn) { spec_.on_updated = typed(std::move(fn)); return *this; }
  // PATCH {field: value} runs `fn` (a domain command) instead of assigning the field; `access`
  // limits who may ask (CommandAccess: a role, or other services only).
  Resource& command(std::string field, std::string value, Hook fn, CommandAccess access = {}) {
    spec_.commands.push_back({std::move(field), std::move(value), typed(std::move(fn)), std::nullopt, std::move(access)});
    return *this;
  }
  // A command that counts only once another service said yes: .command(f, v).guarded_by({...}).
  class GuardedCommand {
   public:
    GuardedCommand(Resource& resource, std::string field, std::string value, CommandAccess access)
        : resource_(resource), field_(std::move(field)), value_(std::move(value)), access_(std::move(access)) {}
    Resource& guarded_by(CommandGuard<T> g) {
      rest::CommandGuard guard{
          [confirm = std::move(g.confirm)](const Record& r, std::int64_t deadline) { confirm(from_record<T>(r), deadline); },
          [confirmed = std::move(g.confirmed)](const Record& r) { return confirmed(from_record<T>(r)); },
          typed(std::move(g.then)), std::move(g.fallback), g.timeout_ms};
      resource_.spec_.commands.push_back({std::move(field_), std::move(value_), {}, std::move(guard), std::move(access_)});
      return resource_;
    }

   private:
    Resource& resource_;
    std::string field_;
    std::string value_;
    CommandAccess access_;
  };
  GuardedCommand command(std::string field, std::string value, CommandAccess access = {}) {
    return GuardedCommand(*this, std::move(field), std::move(value), std::move(access));
  }
  // A POST whose body names an existing item's key updates it (equal values left alone, a
  // changed command field runs its command); an unknown generated key is 404.
  Resource& post_updates_by_key() { spec_.post_updates_by_key = true; return *this; }
  // A PUT whose body changes a command field runs that command (else read-only fields: 400).
  Resource& put_runs_commands() { spec_.put_runs_commands = true; return *this; }
  Resource& deny(Method m, std::string reason) { spec_.denied[verb(m)] = std::move(reason); return *this; }
  // Nothing may be written from outside: the service's policies own the data.
  Resource& read_only(const std::string& reason) {
    for (auto m : {Method::Post, Method::Put, Method::Patch, Method::Delete}) deny(m, reason);
    return *this;
  }
  Resource& find_by(std::string field) { spec_.finders.push_back(std::move(field)); return *this; }
  // A POST repeating a known value of `field` answers the existing item: a safe retry.
  Resource& idempotent_on(std::string field) {
    spec_.idempotent_on = std::move(field);
    return find_by(*spec_.idempotent_on);
  }
  // Creation counts only once `confirm` succeeded (see rest::Guard).
  Resource& guarded_by(std::function<void(const T&, std::int64_t deadline_ms)> confirm,
                       std::function<std::optional<bool>(const T&)> confirmed,
                       std::string fallback_message, std::int64_t timeout_ms) {
    spec_.guard = rest::Guard{
        [confirm](const Record& r, std::int64_t deadline) { confirm(from_record<T>(r), deadline); },
        [confirmed](const Record& r) { return confirmed(from_record<T>(r)); },
        std::move(fallback_message), timeout_ms};
    return *this;
  }

 private:
  static rest::RecordHook typed(Hook fn) {
    return [fn = std::move(fn)](Record& r, UnitOfWork& uow) {
      T t = from_record<T>(r);
      fn(t, uow);
      for (auto& [k, v] : to_record(t)) r[k] = std::move(v);
    };
  }
  static http::Verb verb(Method m) {
    switch (m) {
      case Method::Post: return http::Verb::post;
      case Method::Put: return http::Verb::put;
      case Method::Patch: return http::Verb::patch;
      case Method::Delete: return http::Verb::delete_;
    }
    return http::Verb::unknown;
  }

  rest::ResourceSpec& spec_;
};

}  // namespace hexa
