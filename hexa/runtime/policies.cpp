#include "hexa/runtime/policies.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "hexa/events/payload.hpp"
#include "hexa/runtime/logging.hpp"

namespace hexa {

namespace {

// The domain (ours or a callee's) said no: asking again cannot change it.
bool is_refusal(const Error& e) { return e.status() >= 400 && e.status() < 500; }

constexpr const char* kWaitsBehind = "waits behind an earlier event of its key";

}  // namespace

void Policies::add_steps(const std::string& event_type, std::shared_ptr<const StepPlan> plan) {
  auto& f = by_type_[event_type];
  if (f.plan) throw std::logic_error("a second step policy for " + event_type + ": one per event type");
  f.plan = std::move(plan);
}

std::set<std::string> Policies::types() const {
  std::set<std::string> out;
  for (const auto& [type, fns] : by_type_) out.insert(type);
  return out;
}

bool Policies::has_remote_step(const Event& e) const {
  const auto it = by_type_.find(e.type);
  return it != by_type_.end() && it->second.plan && it->second.plan->has_call();
}

std::int64_t Policies::waiting(Transactor& tx) const {
  return tx.read([&](UnitOfWork& uow) { return parked_.count(uow.transaction()); });
}

std::size_t Policies::handle(std::span<const Event> events, Transactor& tx) const {
  if (std::none_of(events.begin(), events.end(), [this](const Event& e) { return wanted(e); }))
    return events.size();
  bool queued = tx.read([&](UnitOfWork& uow) { return parked_.any(uow.transaction()); });
  const bool alone = std::any_of(events.begin(), events.end(), [this](const Event& e) { return has_remote_step(e); });
  if (events.size() > 1 && !queued && !alone) {
    try {
      tx.write([&](UnitOfWork& uow) {
        for (const auto& e : events) apply(e, uow);
      });
      return events.size();
    } catch (const std::exception& e) {
      spdlog::debug("a batch of {} events failed ({}): handling them one by one", events.size(), e.what());
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    try {
      const auto before = parked_count_.load();
      settle(events[i], tx, queued);
      queued = queued || parked_count_.load() != before;
    } catch (...) {
      if (i == 0) throw;  // the store failed: the bus logs it and delivers it again later
      return i;
    }
  }
  return events.size();
}

void Policies::settle(const Event& e, Transactor& tx, bool check_queue) const {
  if (!wanted(e)) return;
  if (check_queue) {
    const bool behind = tx.write([&](UnitOfWork& uow) {
      auto& t = uow.transaction();
      if (!parked_.blocked(t, ParkedEvents::queue_of(e))) return false;
      parked_.park(t, e, 0, 0, kWaitsBehind);
      return true;
    });
    if (behind) {
      ++parked_count_;
      return;
    }
  }
  std::string error;
  if (attempt(e, tx, error) == Outcome::done) return;
  if (options_.max_attempts == 1) {
    give_up(e, tx, error);
    return;
  }
  tx.write([&](UnitOfWork& uow) { parked_.park(uow.transaction(), e, 1, now_ms() + options_.backoff_ms(1), error); });
  ++parked_count_;
}

std::size_t Policies::retry_parked(Transactor& tx) const {
  std::size_t settled = 0;
  for (bool moved = true; moved;) {  // a settled head lets the next of its key go at once
    moved = false;
    const auto heads = tx.read([&](UnitOfWork& uow) { return parked_.heads(uow.transaction()); });
    for (const auto& p : heads) {
      if (p.next_ms > now_ms()) continue;
      std::string error;
      const int failures = p.failures + 1;
      if (wanted(p.event)) ++retried_;
      if (wanted(p.event) && attempt(p.event, tx, error) == Outcome::retry) {
        if (options_.max_attempts == 0 || failures < options_.max_attempts) {
          tx.write([&](UnitOfWork& uow) {
            parked_.failed_again(uow.transaction(), p, now_ms() + options_.backoff_ms(failures), error);
          });
          continue;
        }
        give_up(p.event, tx, error);
      }
      tx.write([&](UnitOfWork& uow) { parked_.remove(uow.transaction(), p); });
      ++settled;
      moved = true;
    }
  }
  return settled;
}

Policies::Outcome Policies::attempt(const Event& e, Transactor& tx, std::string& error) const {
  CorrelationScope scope(e.key);
  const auto& f = by_type_.at(e.type);
  try {
    if (f.plan) run_steps(e, f, tx);
    else tx.write([&](UnitOfWork& uow) { apply(e, uow); });
    return Outcome::done;
  } catch (const Unavailable& x) {
    error = x.what();
    spdlog::warn("{} {} not handled yet ({}): retrying later", e.type, e.id, error);
  } catch (const Error& x) {
    if (is_refusal(x)) {
      refusal(e, x, tx);
      return Outcome::done;
    }
    error = x.what();
    spdlog::warn("{} {} not handled yet ({}): retrying later", e.type, e.id, error);
  } catch (const std::exception& x) {
    // A bug (a misspelt field name is a std::logic_error) or a fault: never a silent drop.
    error = x.what();
    spdlog::error("{} {} failed ({}): parked and retried until fixed", e.type, e.id, error);
  } catch (...) {
    error = "an exception that is not a std::exception";
    spdlog::error("{} {} failed ({}): parked and retried until fixed", e.type, e.id, error);
  }
  return Outcome::retry;
}

void Policies::refusal(const Event& e, const std::exception& why, Transactor& tx) const {
  // The domain refused (e.g. an illegal transition): redelivery cannot change that.
  spdlog::warn("{} {} refused, final: {}", e.type, e.id, why.what());
  ++refused_;
  tx.write([&](UnitOfWork& uow) { uow.transaction().first_delivery(consumer_, e.id); });
}

void Policies::give_up(const Event& e, Transactor& tx, const std::string& error) const {
  spdlog::error("{} {} given up after {} attempts: {}", e.type, e.id, options_.max_attempts, error);
  ++given_up_;
  tx.write([&](UnitOfWork& uow) { uow.transaction().first_delivery(consumer_, e.id); });
}

void Policies::apply(const Event& e, UnitOfWork& uow) const {
  const auto it = by_type_.find(e.type);
  if (it == by_type_.end()) return;
  CorrelationScope scope(e.key);
  if (!uow.transaction().first_delivery(consumer_, e.id)) return;
  const Record payload = decode_payload(e.payload);
  for (const auto& policy : it->second.plain) policy(payload, uow);
}

// --- Policies of steps (step_policy.hpp) -----------------------------------------------------

std::optional<std::size_t> Policies::first_step(const Event& e, const StepPlan& plan, Transactor& tx) const {
  // Probed in a transaction that never commits: the records are looked at, not written.
  auto probe = tx.store().begin(Access::Write);
  if (!probe->first_delivery(consumer_, e.id)) return std::nullopt;  // handled before
  const auto& steps = plan.steps;
  for (std::size_t i = steps.size(); i-- > 0;) {
    if (steps[i].kind != StepPlan::Kind::local || i + 1 == steps.size()) continue;
    if (probe->first_delivery(marker(i), e.id)) continue;  // not done
    std::size_t next = i + 1;
    // A local step that needs a remote step's answer gets it again from that step.
    if (next < steps.size() && steps[next].uses_result)
      while (next > 0 && steps[next].kind != StepPlan::Kind::call) --next;
    return next;
  }
  return 0;
}

bool Policies::finish(const Event& e, const ForType& f, const Record& payload, UnitOfWork& uow) const {
  if (!uow.transaction().first_delivery(consumer_, e.id)) return false;  // done meanwhile (a replica)
  for (const auto& policy : f.plain) policy(payload, uow);
  return true;
}

void Policies::run_steps(const Event& e, const ForType& f, Transactor& tx) const {
  const auto& plan = *f.plan;
  const auto& steps = plan.steps;
  const auto start = first_step(e, plan, tx);
  if (!start) return;
  const Record payload = decode_payload(e.payload);
  std::any carried;
  for (std::size_t i = *start; i < steps.size(); ++i) {
    const auto& s = steps[i];
    if (s.kind == StepPlan::Kind::call) {
      const StepContext ctx{now_ms() + options_.step_timeout_ms, e.id + ":" + std::to_string(i)};
      try {
        carried = s.call(payload, ctx);  // no transaction open
      } catch (const Error& x) {
        if (!is_refusal(x) || !plan.undo) throw;
        spdlog::warn("{} {}: step {} refused ({}): undoing", e.type, e.id, i, x.what());
        ++refused_;
        tx.write([&](UnitOfWork& uow) {
          if (finish(e, f, payload, uow)) plan.undo(payload, uow);
        });
        return;
      }
      continue;
    }
    const bool last = i + 1 == steps.size();
    const bool go_on = tx.write([&](UnitOfWork& uow) {
      if (last) {
        if (finish(e, f, payload, uow)) s.local(payload, carried, uow);
        return false;
      }
      if (!uow.transaction().first_delivery(marker(i), e.id)) return true;  // done meanwhile (a replica)
      if (s.local(payload, carried, uow)) return true;
      finish(e, f, payload, uow);  // stopped here: handled
      return false;
    });
    if (!go_on) return;
  }
  tx.write([&](UnitOfWork& uow) { finish(e, f, payload, uow); });  // it ended with a remote step
}

}  // namespace hexa
