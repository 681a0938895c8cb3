#pragma once
// A policy made of steps: local steps each in their own store transaction, remote steps with
// NO transaction open (on SQLite a call inside one would hold every writer of the process).
//
//   svc.when<ApplyCancelled>()
//       .call([&](const ApplyCancelled& e, const hexa::StepContext& s) { deliveries.command(..., s); })
//       .then([](const ApplyCancelled& e, hexa::UnitOfWork& uow) { ... });
//
//   svc.when<OrderPlaced>()                                 // a saga
//       .local([](const OrderPlaced& e, hexa::UnitOfWork& uow) -> bool { ... })  // false: stop, handled
//       .call([&](const OrderPlaced& e, const hexa::StepContext& s) -> Coupon { ... })
//       .then([](const OrderPlaced& e, const Coupon& c, hexa::UnitOfWork& uow) { ... })
//       .undo([](const OrderPlaced& e, hexa::UnitOfWork& uow) { ... });  // the call was refused
//
// Semantics (run by Policies, see policies.hpp):
// - The last local step commits with the event's "handled" record and the outbox rows it
//   raises; each earlier local step commits with a progress record of its own, so after a
//   crash (kill -9) the event resumes after the last committed step: a local step never runs
//   twice, and a remote step runs again only if what followed it did not commit.
// - A remote step gets a StepContext: a deadline (events.step-timeout-ms) and the idempotency
//   key "<event id>:<step>", the same on every attempt, sent by RemoteCaller as a header.
// - A remote step that throws hexa::Unavailable/Uncertain or any non-hexa::Error leaves the
//   event unhandled: parked and retried with backoff, the local steps done stay done.
// - A remote step refused (a hexa::Error of status 4xx: Refused, Conflict, Invalid, NotFound)
//   runs the undo (if any) in one transaction with the handled record: the saga compensates
//   the local steps done before. Without an undo the refusal is logged, counted and final.
// - A local step refused is final too (logged, counted, handled; its transaction rolled
//   back): the undo is for a refused remote step, whose callee did nothing.
// - One step policy per event type per service; plain when<E>(fn) policies of the same type
//   then run in its last transaction.
#include <any>
#include <functional>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "hexa/client/step_context.hpp"
#include "hexa/domain/unit_of_work.hpp"

namespace hexa {

// A policy's steps, with the event's type erased (the event as its payload Record).
struct StepPlan {
  enum class Kind { local, call };
  // A local step: (payload, what the last remote step returned, uow) -> go on?
  using LocalFn = std::function<bool(const Record&, const std::any&, UnitOfWork&)>;
  using CallFn = std::function<std::any(const Record&, const StepContext&)>;
  struct Step {
    Kind kind;
    LocalFn local;
    CallFn call;
    bool uses_result = false;  // a local step given what the last remote step returned
  };
  std::vector<Step> steps;
  std::function<void(const Record&, UnitOfWork&)> undo;

  bool has_call() const {
    for (const auto& s : steps)
      if (s.kind == Kind::call) return true;
    return false;
  }
};

namespace detail {
template <class F, class E, class R>
struct takes_result : std::is_invocable<F&, const E&, const R&, UnitOfWork&> {};
template <class F, class E>
struct takes_result<F, E, void> : std::false_type {};
}  // namespace detail

// The builder svc.when<E>() returns; R is what the last .call returned (void: nothing).
template <class E, class R = void>
class When {
 public:
  explicit When(std::shared_ptr<StepPlan> plan) : plan_(std::move(plan)) {}

  // f(const E&, UnitOfWork&) -> bool (false: stop here, the event is handled) or void.
  template <class F>
  When& local(F f) {
    plan_->steps.push_back({StepPlan::Kind::local, local_fn(std::move(f)), {}, false});
    return *this;
  }

  // f(const E&, const StepContext&) -> R2, run with no transaction open.
  template <class F>
  auto call(F f) {
    using R2 = std::invoke_result_t<F&, const E&, const StepContext&>;
    plan_->steps.push_back({StepPlan::Kind::call, {}, [f = std::move(f)](const Record& p, const StepContext& s) {
                              if constexpr (std::is_void_v<R2>) {
                                f(from_record<E>(p), s);
                                return std::any{};
                              } else {
                                return std::any(f(from_record<E>(p), s));
                              }
                            },
                            false});
    return When<E, R2>(plan_);
  }

  // f(const E&, UnitOfWork&) or, after a .call returning R, f(const E&, const R&, UnitOfWork&).
  template <class F>
  When& then(F f) {
    if constexpr (detail::takes_result<F, E, R>::value) {
      plan_->steps.push_back({StepPlan::Kind::local,
                              [f = std::move(f)](const Record& p, const std::any& r, UnitOfWork& uow) {
                                f(from_record<E>(p), std::any_cast<const R&>(r), uow);
                                return true;
                              },
                              {},
                              true});
    } else {
      local(std::move(f));
    }
    return *this;
  }

  // f(const E&, UnitOfWork&): runs when a remote step is refused, in one transaction.
  template <class F>
  When& undo(F f) {
    plan_->undo = [f = std::move(f)](const Record& p, UnitOfWork& uow) { f(from_record<E>(p), uow); };
    return *this;
  }

 private:
  template <class F>
  static StepPlan::LocalFn local_fn(F f) {
    return [f = std::move(f)](const Record& p, const std::any&, UnitOfWork& uow) {
      if constexpr (std::is_same_v<std::invoke_result_t<F&, const E&, UnitOfWork&>, bool>) {
        return f(from_record<E>(p), uow);
      } else {
        f(from_record<E>(p), uow);
        return true;
      }
    };
  }

  std::shared_ptr<StepPlan> plan_;
};

}  // namespace hexa
