#include "hexa/events/log_subscription.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "hexa/events/log_paths.hpp"

namespace hexa {

LogSubscription::LogSubscription(const LogBusOptions& bus, int partitions,
                                 SubscriptionOptions options, EventHandler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      partitions_(partitions),
      batch_(bus.batch),
      rebalance_every_(bus.rebalance_every),
      log_(log_paths::log_db(bus.dir).string(), bus.open),
      positions_(log_paths::positions_db(bus.dir).string(), bus.open),
      lock_(log_paths::group_lock(bus.dir, options_.group, options_.topic)),
      wakeup_(log_paths::notify(bus.dir)),
      thread_([this] { run(); }) {}

LogSubscription::~LogSubscription() {
  stop_ = true;
  wakeup_.signal();
  thread_.join();
}

void LogSubscription::run() noexcept {
  auto next_rebalance = Clock::now();
  while (!stop_) {
    try {
      if (Clock::now() >= next_rebalance) {
        rebalance();
        next_rebalance = Clock::now() + rebalance_every_;
      }
      bool more = false;
      for (auto& [partition, state] : owned_)
        if (!stop_ && Clock::now() >= state.retry_at) more = drain(partition, state) || more;
      if (!more && !stop_) wakeup_.wait(time_to_next(next_rebalance));
    } catch (const std::exception& e) {
      // The log or positions file failed (busy beyond the timeout, disk): retry later.
      spdlog::warn("log bus consumer {}/{}: {}", options_.group, options_.topic, e.what());
      wakeup_.wait(options_.retry_delay);
    }
  }
}

std::chrono::milliseconds LogSubscription::time_to_next(Clock::time_point next_rebalance) const {
  const auto now = Clock::now();
  auto next = next_rebalance;
  for (const auto& [partition, state] : owned_)
    if (state.retry_at > now) next = std::min(next, state.retry_at);  // a paused partition
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - now);
  return std::clamp(wait, std::chrono::milliseconds{0}, rebalance_every_);
}

void LogSubscription::rebalance() {
  const auto live = lock_.live_slots();
  const auto members = static_cast<int>(live.size());
  const auto rank = static_cast<int>(std::find(live.begin(), live.end(), lock_.slot()) - live.begin());
  for (auto it = owned_.begin(); it != owned_.end();) {
    if (it->first % members == rank) {
      ++it;
      continue;
    }
    lock_.release(it->first);  // its position is already committed: the next owner goes on
    it = owned_.erase(it);
  }
  for (int p = rank; p < partitions_; p += members)
    if (!owned_.contains(p) && lock_.try_take(p)) take(p);
}

void LogSubscription::take(int partition) {
  try {
    owned_[partition] = Owned{load_position(partition), {}};
  } catch (...) {
    owned_.erase(partition);
    lock_.release(partition);  // never own a partition without knowing where it stands
    throw;
  }
}

bool LogSubscription::drain(int partition, Owned& state) {
  // Read first, handle after: no read snapshot stays open while handlers run.
  // The position is committed once per batch, not per event: a crash redelivers at most one
  // batch, which idempotent handlers skip, and the positions file sees a write per batch.
  const auto batch = read_batch(partition, state.position);
  const auto committed = state.position;
  bool failed = false;
  for (const auto& [offset, event] : batch) {
    if (stop_) break;
    if (!handle(event)) {
      state.retry_at = Clock::now() + options_.retry_delay;
      failed = true;
      break;
    }
    state.position = offset;
    ++handled_;
  }
  if (state.position != committed) save_position(partition, state.position);
  return !failed && !stop_ && batch.size() == batch_;
}

bool LogSubscription::handle(const Event& e) {
  try {
    handler_(e);
    return true;
  } catch (const std::exception& error) {
    spdlog::warn("{} could not handle {} {} ({}), retrying in {} ms", options_.group, e.type, e.id,
                 error.what(), options_.retry_delay.count());
  } catch (...) {
    spdlog::warn("{} could not handle {} {}, retrying in {} ms", options_.group, e.type, e.id,
                 options_.retry_delay.count());
  }
  return false;
}

std::vector<std::pair<std::int64_t, Event>> LogSubscription::read_batch(int partition,
                                                                        std::int64_t after) {
  auto st = log_.prepare(
      "SELECT \"offset\", id, type, time_ms, key, source, payload FROM events "
      "WHERE topic = ? AND \"partition\" = ? AND \"offset\" > ? ORDER BY \"offset\" LIMIT ?");
  st.bind(1, options_.topic).bind(2, std::int64_t{partition}).bind(3, after)
      .bind(4, static_cast<std::int64_t>(batch_));
  std::vector<std::pair<std::int64_t, Event>> out;
  while (st.step()) {
    out.emplace_back(st.integer(0), Event{st.text(1), st.text(2), st.integer(3), st.text(4),
                                          st.text(5), options_.topic, st.text(6)});
  }
  return out;
}

std::int64_t LogSubscription::load_position(int partition) {
  auto st = positions_.prepare(
      "SELECT \"offset\" FROM positions WHERE grp = ? AND topic = ? AND \"partition\" = ?");
  st.bind(1, options_.group).bind(2, options_.topic).bind(3, std::int64_t{partition});
  return st.step() ? st.integer(0) : 0;  // a new group starts at the beginning
}

void LogSubscription::save_position(int partition, std::int64_t offset) {
  positions_
      .prepare(
          "INSERT INTO positions (grp, topic, \"partition\", \"offset\") VALUES (?, ?, ?, ?) "
          "ON CONFLICT (grp, topic, \"partition\") DO UPDATE SET \"offset\" = excluded.\"offset\"")
      .bind(1, options_.group).bind(2, options_.topic).bind(3, std::int64_t{partition})
      .bind(4, offset)
      .run();
}

}  // namespace hexa
