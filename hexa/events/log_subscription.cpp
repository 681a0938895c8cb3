#include "hexa/events/log_subscription.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "hexa/events/log_paths.hpp"

namespace hexa {

LogSubscription::LogSubscription(const LogBusOptions& bus, int partitions,
                                 SubscriptionOptions options, BatchHandler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      partitions_(partitions),
      batch_(bus.batch),
      rebalance_every_(bus.rebalance_every),
      linger_(bus.linger),
      commit_every_(bus.commit_every),
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
  auto next_lag = Clock::now();
  while (!stop_) {
    try {
      if (Clock::now() >= next_rebalance) {
        rebalance();
        next_rebalance = Clock::now() + rebalance_every_;
      }
      const auto round = drain();
      if (uncommitted() && Clock::now() - last_commit_ >= commit_every_) commit_positions();
      if (Clock::now() >= next_lag) {  // a count per partition: not every round
        measure_lag();
        next_lag = Clock::now() + std::chrono::seconds(1);
      }
      if (round.more || stop_) continue;
      // A busy stream: let the next batch fill up a little (not cut short by notifications,
      // which keep coming). A lone event goes back to waiting for the next at once.
      if (round.events > 1) std::this_thread::sleep_for(linger_.after(round.events));
      else wakeup_.wait(time_to_next(next_rebalance));
    } catch (const std::exception& e) {
      // The log or positions file failed (busy beyond the timeout, disk): retry later.
      spdlog::warn("log bus consumer {}/{}: {}", options_.group, options_.topic, e.what());
      wakeup_.wait(options_.retry_delay);
    }
  }
  try {
    commit_positions();  // a clean stop redelivers nothing
  } catch (const std::exception& e) {
    spdlog::warn("log bus consumer {}/{}: positions not committed at stop: {}", options_.group, options_.topic,
                 e.what());
  }
}

std::chrono::milliseconds LogSubscription::time_to_next(Clock::time_point next_rebalance) const {
  const auto now = Clock::now();
  auto next = next_rebalance;
  for (const auto& [partition, state] : owned_)
    if (state.retry_at > now) next = std::min(next, state.retry_at);  // a paused partition
  if (uncommitted()) next = std::min(next, last_commit_ + commit_every_);
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
    commit_positions();  // the next owner goes on from there
    lock_.release(it->first);
    it = owned_.erase(it);
  }
  for (int p = rank; p < partitions_; p += members)
    if (!owned_.contains(p) && lock_.try_take(p)) take(p);
}

void LogSubscription::take(int partition) {
  try {
    const auto position = load_position(partition);
    owned_[partition] = Owned{position, position, {}};
  } catch (...) {
    owned_.erase(partition);
    lock_.release(partition);  // never own a partition without knowing where it stands
    throw;
  }
}

void LogSubscription::measure_lag() {
  std::vector<PartitionLag> measured;
  for (const auto& [partition, owned] : owned_) {
    auto st = log_.prepare("SELECT COUNT(*) FROM events WHERE topic = ? AND \"partition\" = ? AND \"offset\" > ?");
    st.bind(1, options_.topic).bind(2, std::int64_t{partition}).bind(3, owned.position);
    measured.push_back({partition, st.step() ? st.integer(0) : 0});
  }
  std::lock_guard lock(lag_mutex_);
  lag_ = std::move(measured);
}

std::vector<PartitionLag> LogSubscription::lag() const {
  std::lock_guard lock(lag_mutex_);
  return lag_;
}

LogSubscription::Round LogSubscription::drain() {
  // One round reads the events after the positions of every owned partition that is not
  // paused and hands them to the handler as ONE batch: under load a round gathers what
  // arrived meanwhile, and the handler commits it in one transaction.
  // Read first, handle after: no read snapshot stays open while handlers run.
  std::vector<int> ready;
  const auto now = Clock::now();
  for (const auto& [partition, state] : owned_)
    if (now >= state.retry_at) ready.push_back(partition);
  if (ready.empty() || stop_) return {};
  const auto batch = read_batch(ready);
  if (batch.places.empty()) return {};
  const auto handled = batch.events.empty() ? 0 : handle(batch.events);
  advance(batch, handled, now);
  handled_ += handled;
  return {handled == batch.events.size() && batch.full, batch.places.size()};
}

void LogSubscription::advance(const Batch& batch, std::size_t handled, Clock::time_point now) {
  std::size_t handed = 0;  // events handed to the handler so far, in batch order
  bool stuck = false;      // past the first event not handled: no position moves any more
  for (const auto& place : batch.places) {
    if (!place.passed_over && handed++ >= handled) {
      stuck = true;
      // What was not handled waits: its partition pauses, the others go on next round.
      owned_.at(place.partition).retry_at = now + options_.retry_delay;
    }
    if (!stuck) owned_.at(place.partition).position = place.offset;
  }
}

std::size_t LogSubscription::handle(const std::vector<Event>& events) {
  try {
    return std::min(handler_(events), events.size());
  } catch (const std::exception& error) {
    spdlog::warn("{} could not handle {} {} ({}), retrying in {} ms", options_.group, events.front().type,
                 events.front().id, error.what(), options_.retry_delay.count());
  } catch (...) {
    spdlog::warn("{} could not handle {} {}, retrying in {} ms", options_.group, events.front().type,
                 events.front().id, options_.retry_delay.count());
  }
  return 0;
}

LogSubscription::Batch LogSubscription::read_batch(const std::vector<int>& partitions) {
  // Each partition's share of the batch, in its order (order across partitions means
  // nothing); all read in one snapshot, one lock round on the log.
  const auto share = static_cast<std::int64_t>((batch_ + partitions.size() - 1) / partitions.size());
  Batch out;
  log_.prepare("BEGIN").run();
  try {
    for (const int partition : partitions) {
      auto st = log_.prepare(
          "SELECT \"offset\", id, type, time_ms, key, source, payload FROM events "
          "WHERE topic = ? AND \"partition\" = ? AND \"offset\" > ? ORDER BY \"offset\" LIMIT ?");
      st.bind(1, options_.topic).bind(2, std::int64_t{partition}).bind(3, owned_.at(partition).position)
          .bind(4, share);
      std::int64_t rows = 0;
      for (; st.step(); ++rows) {
        auto type = st.text(2);
        const bool passed_over = !wanted(type);
        out.places.push_back({partition, st.integer(0), passed_over});
        if (passed_over) continue;
        out.events.push_back(Event{st.text(1), std::move(type), st.integer(3), st.text(4), st.text(5),
                                   options_.topic, st.text(6)});
      }
      out.full = out.full || rows == share;
    }
  } catch (...) {
    log_.prepare("ROLLBACK").run();
    throw;
  }
  log_.prepare("COMMIT").run();
  return out;
}

std::int64_t LogSubscription::load_position(int partition) {
  auto st = positions_.prepare(
      "SELECT \"offset\" FROM positions WHERE grp = ? AND topic = ? AND \"partition\" = ?");
  st.bind(1, options_.group).bind(2, options_.topic).bind(3, std::int64_t{partition});
  return st.step() ? st.integer(0) : 0;  // a new group starts at the beginning
}

bool LogSubscription::uncommitted() const {
  return std::any_of(owned_.begin(), owned_.end(), [](const auto& o) { return o.second.position != o.second.committed; });
}

void LogSubscription::commit_positions() {
  last_commit_ = Clock::now();
  if (!uncommitted()) return;
  sqlite::ImmediateTransaction tx(positions_);
  for (const auto& [partition, state] : owned_) {
    if (state.position == state.committed) continue;
    positions_
        .prepare(
            "INSERT INTO positions (grp, topic, \"partition\", \"offset\") VALUES (?, ?, ?, ?) "
            "ON CONFLICT (grp, topic, \"partition\") DO UPDATE SET \"offset\" = excluded.\"offset\"")
        .bind(1, options_.group).bind(2, options_.topic).bind(3, std::int64_t{partition})
        .bind(4, state.position)
        .run();
  }
  tx.commit();
  for (auto& [partition, state] : owned_) state.committed = state.position;
}

}  // namespace hexa
