#pragma once
// The typed face of a REST resource: a service declares what its aggregate allows, in domain
// terms, and the framework serves it (see resource_core.hpp for the conventions).
//
//   svc.resource<Contract>()
//      .command("status", "cancelled", [](Contract& c, UnitOfWork& uow) { c.cancel(uow); })
//      .deny(Method::Delete, "contracts are cancelled, not deleted");
#include <functional>
#include <optional>
#include <string>

#include "hexa/rest/ownership.hpp"
#include "hexa/rest/resource_core.hpp"

namespace hexa {

enum class Method { Post, Put, Patch, Delete };

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
  // PATCH {field: value} runs `fn` (a domain command) instead of assigning the field.
  Resource& command(std::string field, std::string value, Hook fn) {
    spec_.commands.push_back({std::move(field), std::move(value), typed(std::move(fn))});
    return *this;
  }
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
