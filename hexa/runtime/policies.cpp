#include "hexa/runtime/policies.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "hexa/events/payload.hpp"
#include "hexa/runtime/logging.hpp"

namespace hexa {

std::set<std::string> Policies::types() const {
  std::set<std::string> out;
  for (const auto& [type, fns] : by_type_) out.insert(type);
  return out;
}

std::size_t Policies::handle(std::span<const Event> events, Transactor& tx) const {
  if (std::none_of(events.begin(), events.end(), [this](const Event& e) { return wanted(e); }))
    return events.size();
  if (events.size() > 1) {
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
      handle_alone(events[i], tx);
    } catch (...) {
      if (i == 0) throw;  // the bus logs it and delivers it again later
      return i;
    }
  }
  return events.size();
}

void Policies::apply(const Event& e, UnitOfWork& uow) const {
  const auto it = by_type_.find(e.type);
  if (it == by_type_.end()) return;
  CorrelationScope scope(e.key);
  if (!uow.transaction().first_delivery(consumer_, e.id)) return;
  const Record payload = decode_payload(e.payload);
  for (const auto& policy : it->second) policy(payload, uow);
}

void Policies::handle_alone(const Event& e, Transactor& tx) const {
  if (!wanted(e)) return;
  try {
    tx.write([&](UnitOfWork& uow) { apply(e, uow); });
  } catch (const Error& rejected) {
    // The domain refused (e.g. an illegal transition): redelivery cannot change that.
    CorrelationScope scope(e.key);
    spdlog::warn("{} {} not applied: {}", e.type, e.id, rejected.what());
    tx.write([&](UnitOfWork& uow) { uow.transaction().first_delivery(consumer_, e.id); });
  }
}

}  // namespace hexa
