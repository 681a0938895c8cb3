#pragma once
// Runs domain work in one local transaction: the change and the events it raises commit
// together, then the outbox relay is woken. A deadline (propagated by the caller) is checked
// just before commit, so work whose caller has given up is rolled back, not half-delivered.
#include <chrono>
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
  // Told how long each transaction took, from begin to commit or rollback (for metrics).
  using Observer = std::function<void(Access, std::chrono::steady_clock::duration)>;
  void observe(Observer observer) { observer_ = std::move(observer); }

  template <class F>
  auto write(F&& f, std::optional<std::int64_t> deadline_ms = std::nullopt) {
    const Timed timed(*this, Access::Write);
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
    const Timed timed(*this, Access::Read);
    auto tx = store_.begin(Access::Read);
    UnitOfWork uow(*tx, source_);
    return f(uow);
  }

  Store& store() { return store_; }
  const EventSource& source() const { return source_; }

 private:
  struct Timed {
    Timed(const Transactor& t, Access a) : transactor(t), access(a) {}
    ~Timed() {
      if (transactor.observer_) transactor.observer_(access, std::chrono::steady_clock::now() - started);
    }
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;
    const Transactor& transactor;
    Access access;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  };

  void finish(Transaction& tx, const UnitOfWork& uow, std::optional<std::int64_t> deadline_ms) {
    if (deadline_ms && now_ms() > *deadline_ms)
      throw Error(504, "the caller's deadline passed before the change could commit");
    tx.commit();
    if (uow.raised_events() && on_events_) on_events_();
  }

  Store& store_;
  EventSource source_;
  std::function<void()> on_events_;
  Observer observer_;  // empty: none
};

}  // namespace hexa
