#pragma once
// Runs domain work in one local transaction: the change and the events it raises commit
// together, then the outbox relay is woken. A deadline (propagated by the caller) is checked
// just before commit, so work whose caller has given up is rolled back, not half-delivered.
#include <functional>
#include <optional>
#include <utility>

#include "hexa/domain/unit_of_work.hpp"
#include "hexa/model/errors.hpp"

namespace hexa {

class Transactor {
 public:
  Transactor(Store& store, EventSource source, std::function<void()> on_events)
      : store_(store), source_(std::move(source)), on_events_(std::move(on_events)) {}

  // f(UnitOfWork&) -> R. Throws hexa::Error subclasses through; nothing commits then.
  template <class F>
  auto write(F&& f, std::optional<std::int64_t> deadline_ms = std::nullopt) {
    auto tx = store_.begin(Access::Write);
    UnitOfWork uow(*tx, source_);
    if constexpr (std::is_void_v<decltype(f(uow))>) {
      f(uow);
      finish(*tx, uow, deadline_ms);
    } else {
      auto result = f(uow);
      finish(*tx, uow, deadline_ms);
      return result;
    }
  }

  template <class F>
  auto read(F&& f) {
    auto tx = store_.begin(Access::Read);
    UnitOfWork uow(*tx, source_);
    return f(uow);
  }

  Store& store() { return store_; }
  const EventSource& source() const { return source_; }

 private:
  void finish(Transaction& tx, const UnitOfWork& uow, std::optional<std::int64_t> deadline_ms) {
    if (deadline_ms && now_ms() > *deadline_ms)
      throw Error(504, "the caller's deadline passed before the change could commit");
    tx.commit();
    if (uow.raised_events() && on_events_) on_events_();
  }

  Store& store_;
  EventSource source_;
  std::function<void()> on_events_;
};

}  // namespace hexa
