#pragma once
// A service's policies: what it does when events arrive (`svc.when<E>`, `svc.view<T>().on<E>`,
// and policies made of steps, step_policy.hpp).
//
// Handled once. An event takes effect at most once: its id is recorded as handled in the same
// local transaction as its effect (and the outbox rows it raises).
//
// Batches. A batch from the bus of plain policies (no remote step) is handled in ONE
// transaction (one commit for the lot, which is what lets a view keep up under load); when any
// event of it fails, it is handled again one event per transaction, so that one bad event
// costs only itself. An event whose policy has a remote step is handled alone, its remote
// steps with no transaction open.
//
// Retry versus drop, explicit:
// - Final (a domain refusal: a hexa::Error of status 4xx, i.e. Conflict, Invalid, NotFound,
//   Refused): delivering it again cannot change it. Logged, counted (refused()), recorded as
//   handled; a saga runs its undo first.
// - Not handled yet (hexa::Unavailable or Uncertain: a callee down, slow, or of unknown
//   outcome; any other hexa::Error; any other exception, std::logic_error included, such as a
//   misspelt field name, logged as an error since only a fix helps): the event is PARKED
//   durably in the service's store (parked_events.hpp) and retried with backoff
//   (events.retry.initial-ms 200, doubling to max-ms 30000; max-attempts 0 = forever, else
//   given up after that many, logged and counted; a batch tried whole first is not counted
//   as an attempt). Later events of the same correlation key
//   are parked behind it, in order; other keys flow on. Parked events survive a restart.
// - The store itself failing (parking impossible) is thrown to the bus, which delivers the
//   event again later.
// Replicas share the store, so any of them may retry a parked event; effects stay once (the
// handled record) and remote steps carry the same idempotency key on every attempt.
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "hexa/domain/transactor.hpp"
#include "hexa/events/event.hpp"
#include "hexa/runtime/parked_events.hpp"
#include "hexa/runtime/step_policy.hpp"
#include "hexa/runtime/view.hpp"

namespace hexa {

class Policies {
 public:
  explicit Policies(std::string consumer, PolicyOptions options = {})
      : consumer_(std::move(consumer)), options_(options), parked_(consumer_) {}

  void add(const std::string& event_type, PolicyFn fn) { by_type_[event_type].plain.push_back(std::move(fn)); }
  // A policy of steps; one per event type (std::logic_error for a second).
  void add_steps(const std::string& event_type, std::shared_ptr<const StepPlan> plan);
  void set_options(PolicyOptions options) { options_ = options; }
  const PolicyOptions& options() const { return options_; }
  bool empty() const { return by_type_.empty(); }
  std::set<std::string> types() const;  // the event types some policy acts on
  void migrate(Store& store) const { store.migrate(ParkedEvents::schema()); }  // before handle()

  // The bus's BatchHandler contract: how many events, from the front, are handled (or parked).
  std::size_t handle(std::span<const Event> events, Transactor& tx) const;
  // Retries the parked events that are due, each key's oldest first; how many were settled.
  std::size_t retry_parked(Transactor& tx) const;

  std::uint64_t refused() const { return refused_.load(); }    // final refusals
  std::uint64_t parked() const { return parked_count_.load(); }  // times an event was parked
  std::uint64_t given_up() const { return given_up_.load(); }
  std::uint64_t retried() const { return retried_.load(); }  // attempts at a parked event
  std::int64_t waiting(Transactor& tx) const;  // events parked now

 private:
  struct ForType {
    std::vector<PolicyFn> plain;
    std::shared_ptr<const StepPlan> plan;  // null: plain policies only
  };
  enum class Outcome { done, retry };

  bool wanted(const Event& e) const { return by_type_.contains(e.type); }
  bool has_remote_step(const Event& e) const;
  void apply(const Event& e, UnitOfWork& uow) const;  // plain policies; skips an event handled before
  void settle(const Event& e, Transactor& tx, bool check_queue) const;  // handles or parks
  Outcome attempt(const Event& e, Transactor& tx, std::string& error) const;
  void run_steps(const Event& e, const ForType& f, Transactor& tx) const;
  // Where this event's steps resume after a crash; nullopt: handled before.
  std::optional<std::size_t> first_step(const Event& e, const StepPlan& plan, Transactor& tx) const;
  bool finish(const Event& e, const ForType& f, const Record& payload, UnitOfWork& uow) const;
  void refusal(const Event& e, const std::exception& why, Transactor& tx) const;
  void give_up(const Event& e, Transactor& tx, const std::string& error) const;
  std::string marker(std::size_t step) const { return consumer_ + "#" + std::to_string(step); }

  std::string consumer_;
  PolicyOptions options_;
  ParkedEvents parked_;
  std::map<std::string, ForType> by_type_;
  mutable std::atomic<std::uint64_t> refused_{0};
  mutable std::atomic<std::uint64_t> parked_count_{0};
  mutable std::atomic<std::uint64_t> given_up_{0};
  mutable std::atomic<std::uint64_t> retried_{0};
};

}  // namespace hexa
