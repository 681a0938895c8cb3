#include "hexa/rest/live_feed.hpp"

#include <algorithm>
#include <set>
#include <spdlog/spdlog.h>
#include <utility>

namespace hexa::rest {

LiveFeed::LiveFeed(std::chrono::milliseconds heartbeat) : heartbeat_(heartbeat) {}

LiveFeed::~LiveFeed() { stop(); }

void LiveFeed::add(LiveCollection collection) {
  std::lock_guard lock(mutex_);
  auto table = collection.table;
  collections_.emplace(std::move(table), std::move(collection));
}

void LiveFeed::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void LiveFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveFeed::subscribe(const std::string& table, Subscriber s) {
  auto stream = s.stream;
  {
    std::lock_guard lock(mutex_);
    subscribers_[table].push_back(std::move(s));
    subscribed_.fetch_add(1, std::memory_order_release);
  }
  // After the subscription: a client that has read this misses no later change.
  stream->send(http::sse_comment("live"));
}

std::size_t LiveFeed::subscribers() const { return subscribed_.load(std::memory_order_acquire); }

bool LiveFeed::watches(const std::string& table) const {
  if (subscribed_.load(std::memory_order_acquire) == 0) return false;  // the usual case: no lock
  std::lock_guard lock(mutex_);
  const auto it = subscribers_.find(table);
  return it != subscribers_.end() && !it->second.empty();
}

void LiveFeed::committed(std::vector<RowChange> changes) {
  {
    std::lock_guard lock(mutex_);
    for (auto& c : changes) pending_.push_back(std::move(c));
  }
  wake_.notify_one();
}

void LiveFeed::run() {
  std::unique_lock lock(mutex_);
  auto next_beat = std::chrono::steady_clock::now() + heartbeat_;
  while (!stopping_) {
    wake_.wait_until(lock, next_beat, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) break;
    auto batch = std::exchange(pending_, {});
    lock.unlock();
    // A row changed several times since the last round is read, and sent, once: as it is now.
    std::set<std::pair<std::string, std::int64_t>> sent;
    for (const auto& change : batch)
      if (change.removed || sent.insert({change.table, change.id}).second) publish(change);
    if (std::chrono::steady_clock::now() >= next_beat) {
      heartbeat();
      next_beat = std::chrono::steady_clock::now() + heartbeat_;
    }
    lock.lock();
  }
}

bool LiveFeed::sees(const Subscriber& s, const LiveCollection& c, const Record& row) {
  if (!s.owner || !c.owner_field) return true;
  const auto it = row.find(*c.owner_field);
  return it != row.end() && it->second == Value(*s.owner);
}

void LiveFeed::publish(const RowChange& change) {
  const LiveCollection* collection = nullptr;
  std::vector<Subscriber> subscribers;
  {
    std::lock_guard lock(mutex_);
    const auto c = collections_.find(change.table);
    const auto s = subscribers_.find(change.table);
    if (c == collections_.end() || s == subscribers_.end() || s->second.empty()) return;
    collection = &c->second;  // never removed: stable
    subscribers = s->second;
  }
  try {
    const auto row = change.removed ? change.removed : collection->read(change.id);
    if (!row) return;  // removed since: its removal is on its way
    const char* event = change.removed ? "deleted" : "change";
    std::map<std::string, std::string> frames;  // by base URL: links differ, rows do not
    for (const auto& s : subscribers) {
      if (!sees(s, *collection, *row)) continue;
      auto& frame = frames[s.base_url];
      if (frame.empty()) frame = http::sse_event(event, collection->render(*row, s.base_url));
      s.stream->send(frame);
    }
  } catch (const std::exception& e) {
    spdlog::warn("live feed: {} row {}: {}", change.table, change.id, e.what());
  }
}

// Keeps idle connections open, and lets go of the streams that have ended.
void LiveFeed::heartbeat() {
  std::lock_guard lock(mutex_);
  const std::string beat = http::sse_comment("keep-alive");
  std::size_t left = 0;
  for (auto& [table, list] : subscribers_) {
    std::erase_if(list, [&](const Subscriber& s) { return !s.stream->send(beat); });
    left += list.size();
  }
  subscribed_.store(left, std::memory_order_release);
}

}  // namespace hexa::rest
