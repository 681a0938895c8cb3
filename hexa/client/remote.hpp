#pragma once
// A typed client for another service's resource, declared with the caller's own view of that
// aggregate (as the seeds' external/Pay.java): `Remote<Pay> pays = svc.remote<Pay>("pay");`
// A handle: copy it into the lambdas that call it ([pays]), the caller stays with the service.
//
//   pays.create(pay, deadline_ms);                       // POST /pays
//   pays.create(pay, step);                              // the same, with step.idempotency_key
//   svc.remote<Pay>("pay").finds_by(&Pay::contractId);  // declares what the code finds items by
//   pays.find_one(&Pay::contractId, 42);                 // GET /pays/search/findByContractId?contractId=42
//   pays.exists(&Pay::contractId, 42);
//   deliveries.command(&Delivery::applyId, 7, "deliveryStatus", "cancelled", step);  // PATCH the one found
//
// Values in a URL are URL-encoded. Failures are RemoteCaller::call's: Unavailable when the call
// certainly had no effect, Uncertain when it may have had one; a command on an item that is not
// there is hexa::NotFound. Finding by a field needs the callee to declare find_by(field), except
// by its key (GET /<collection>/{key}).
//
// A Remote a service declared finds items only by the fields it declared with finds_by (the key
// included; a command finds its item by its key_member): they are part of the consumer's
// contract (docs/<system>/contracts/), so finding by another is a programming error
// (std::logic_error naming the declaration to add), seen the first time that code runs.
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "hexa/client/remote_caller.hpp"
#include "hexa/client/remote_uses.hpp"
#include "hexa/client/step_context.hpp"
#include "hexa/model/model.hpp"
#include "hexa/rest/resource_core.hpp"

namespace hexa {

template <class T>
class Remote {
 public:
  // `finders`: the declared fields to find by (the service's declarations); none: any field.
  explicit Remote(RemoteCaller& caller, std::set<std::string>* finders = nullptr) : caller_(caller), finders_(finders) {}

  // Declares a field the code finds items by (find_one, exists, command's key_member).
  template <class M>
  Remote& finds_by(M T::*member) {
    if (finders_) finders_->insert(field_name(member));
    return *this;
  }

  // POST /<collection>; see RemoteCaller::call for the failures it throws.
  T create(const T& t, std::optional<std::int64_t> deadline_ms = std::nullopt) const { return post(t, deadline_ms, {}); }
  T create(const T& t, const StepContext& step) const { return post(t, step.deadline_ms, step.idempotency_key); }

  // The first item whose `field` is `value` (GET .../search/findByXxx?xxx=value, or the item by key).
  template <class M>
  std::optional<T> find_one(M T::*member, const Value& value) const {
    auto j = find_json(field_name(member), value);
    if (!j) return std::nullopt;
    return parse(*j);
  }
  template <class M>
  bool exists(M T::*member, const Value& value) const { return find_json(field_name(member), value).has_value(); }

  // PATCH {field: value} on the item whose `key_member` is `key`: the callee's command.
  template <class M>
  T command(M T::*key_member, const Value& key, const std::string& field, const std::string& value,
            const StepContext& step) const {
    return patch(field_name(key_member), key, field, value, step.deadline_ms, step.idempotency_key);
  }
  template <class M>
  T command(M T::*key_member, const Value& key, const std::string& field, const std::string& value,
            std::optional<std::int64_t> deadline_ms = std::nullopt) const {
    return patch(field_name(key_member), key, field, value, deadline_ms, {});
  }

 private:
  std::string path() const { return "/" + model_of<T>().collection; }
  static std::string text_of(const Value& v) {
    const rest::Json j = rest::to_json(v);
    return j.is_string() ? j.get<std::string>() : j.dump();
  }

  T post(const T& t, std::optional<std::int64_t> deadline_ms, const std::string& idempotency_key) const {
    (void)detail::remote_use_noted<T, RemoteUse::create>;  // for --describe and the contracts
    Record r = to_record(t);
    r.erase("id");
    const ModelInfo& m = model_of<T>();
    if (m.generated_key()) r.erase(m.key);  // the callee numbers it
    auto answer = caller_.call(http::Verb::post, path(), rest::to_json(r, m), deadline_ms,
                               caller_.policy().idempotent_create ? Idempotent::Yes : Idempotent::No, idempotency_key);
    if (!answer) throw Unavailable(caller_.service() + " has no " + path());
    return parse(*answer);
  }

  // The item's JSON, or nullopt; its own path is at _links.self.
  std::optional<rest::Json> find_json(const std::string& field, const Value& value) const {
    (void)detail::remote_use_noted<T, RemoteUse::find>;
    if (finders_ && !finders_->contains(field))
      throw std::logic_error("finding " + caller_.service() + "'s " + model_of<T>().name + " by '" + field +
                             "' was not declared: svc.remote<" + model_of<T>().name + ">(\"" + caller_.service() +
                             "\").finds_by(&" + model_of<T>().name + "::" + field + ")");
    if (field == model_of<T>().key)
      return caller_.call(http::Verb::get, path() + "/" + rest::url_encode(text_of(value)), std::nullopt);
    auto answer = caller_.call(http::Verb::get, path() + "/search/" + rest::finder_name(field) + "?" + rest::url_encode(field) + "=" +
                                                    rest::url_encode(text_of(value)), std::nullopt);
    if (!answer) return std::nullopt;
    const auto& items = (*answer)["_embedded"][model_of<T>().collection];
    if (!items.is_array() || items.empty()) return std::nullopt;
    return items.front();
  }

  T patch(const std::string& key_field, const Value& key, const std::string& field, const std::string& value,
          std::optional<std::int64_t> deadline_ms, const std::string& idempotency_key) const {
    (void)detail::remote_use_noted<T, RemoteUse::command>;
    auto found = find_json(key_field, key);
    if (!found) throw NotFound(caller_.service() + " has no " + model_of<T>().name + " with " + key_field + " " + text_of(key));
    auto answer = caller_.call(http::Verb::patch, path_of(*found), rest::Json{{field, value}}, deadline_ms,
                               Idempotent::No, idempotency_key);
    if (!answer) throw NotFound(caller_.service() + " has no " + model_of<T>().name + " with " + key_field + " " + text_of(key));
    return parse(*answer);
  }

  // "http://host:port/deliveries/3" -> "/deliveries/3"
  static std::string path_of(const rest::Json& item) {
    const std::string href = item["_links"]["self"]["href"].get<std::string>();
    const auto scheme = href.find("://");
    const auto slash = href.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : href.substr(slash);
  }

  static T parse(const rest::Json& j) {
    Record r;
    for (const auto& f : model_of<T>().fields)
      if (auto it = j.find(f.name); it != j.end()) r[f.name] = rest::coerce(*it, f);
    return from_record<T>(r);
  }

  RemoteCaller& caller_;
  std::set<std::string>* finders_;  // not owning: the service's declarations
};

}  // namespace hexa
