#pragma once
// A service's policies: what it does when events arrive (`svc.when<E>`, `svc.view<T>().on<E>`).
// An event takes effect at most once: its id is recorded as handled in the same local
// transaction as its effect. A batch from the bus is handled in ONE transaction (one commit
// for the lot, which is what lets a view keep up under load); when any event of it fails, the
// batch is rolled back and handled again one event per transaction, so that one bad event
// costs only itself.
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "hexa/domain/transactor.hpp"
#include "hexa/events/event.hpp"
#include "hexa/runtime/view.hpp"

namespace hexa {

class Policies {
 public:
  explicit Policies(std::string consumer) : consumer_(std::move(consumer)) {}

  void add(const std::string& event_type, PolicyFn fn) { by_type_[event_type].push_back(std::move(fn)); }
  bool empty() const { return by_type_.empty(); }
  std::set<std::string> types() const;  // the event types some policy acts on

  // The bus's BatchHandler contract: how many events, from the front, are handled. A domain
  // refusal (hexa::Error) counts as handled, logged: delivering it again cannot change it.
  std::size_t handle(std::span<const Event> events, Transactor& tx) const;

 private:
  bool wanted(const Event& e) const { return by_type_.contains(e.type); }
  void apply(const Event& e, UnitOfWork& uow) const;  // skips an event handled before
  void handle_alone(const Event& e, Transactor& tx) const;

  std::string consumer_;
  std::map<std::string, std::vector<PolicyFn>> by_type_;
};

}  // namespace hexa
