#include "hexa/events/log_bus.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "hexa/events/log_paths.hpp"
#include "hexa/events/log_subscription.hpp"
#include "hexa/model/errors.hpp"

namespace hexa {

namespace {

std::string prepared_log_path(const LogBusOptions& options) {
  std::filesystem::create_directories(log_paths::groups(options.dir));
  return log_paths::log_db(options.dir).string();
}

// The files the checkpointer looks after; creates the folders and positions.db's table first.
std::vector<std::string> checkpointed_files(const LogBusOptions& options) {
  std::filesystem::create_directories(log_paths::groups(options.dir));
  const auto positions = log_paths::positions_db(options.dir).string();
  sqlite::Database db(positions, options.open);
  db.exec(
      "CREATE TABLE IF NOT EXISTS positions (grp TEXT NOT NULL, topic TEXT NOT NULL,"
      " \"partition\" INTEGER NOT NULL, \"offset\" INTEGER NOT NULL,"
      " PRIMARY KEY (grp, topic, \"partition\")) WITHOUT ROWID");
  return {log_paths::log_db(options.dir).string(), positions};
}

LogBusOptions served_by(const sqlite::Checkpointer& checkpointer, LogBusOptions options) {
  options.open = checkpointer.served(options.open);  // subscriptions' connections too
  return options;
}

UniqueFd open_notify_file(const LogBusOptions& options) {
  const auto path = log_paths::notify(options.dir);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw Unavailable("cannot open " + path.string() + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

std::uint32_t fnv1a(std::string_view bytes) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

int log_partition(const Event& e, int partitions) {
  const std::string_view key = e.key.empty() ? std::string_view(e.id) : std::string_view(e.key);
  return static_cast<int>(fnv1a(key) % static_cast<std::uint32_t>(partitions));
}

LogBus::LogBus(LogBusOptions options)
    : checkpointer_(checkpointed_files(options), options.open),
      options_(served_by(checkpointer_, std::move(options))),
      db_(prepared_log_path(options_), options_.open),
      partitions_(open_log()),
      notify_(open_notify_file(options_)) {}

int LogBus::open_log() {
  if (options_.partitions && (*options_.partitions < 1 || *options_.partitions > 1024))
    throw Invalid("partitions must be between 1 and 1024");
  sqlite::ImmediateTransaction tx(db_);
  db_.exec(
      "CREATE TABLE IF NOT EXISTS events (\"offset\" INTEGER PRIMARY KEY AUTOINCREMENT,"
      " topic TEXT NOT NULL, \"partition\" INTEGER NOT NULL, id TEXT NOT NULL,"
      " type TEXT NOT NULL, time_ms INTEGER NOT NULL, key TEXT NOT NULL,"
      " source TEXT NOT NULL, payload TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS events_by_partition ON events (topic, \"partition\", \"offset\");"
      "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  db_.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('partitions', ?)")
      .bind(1, std::int64_t{options_.partitions.value_or(8)})
      .run();
  auto st = db_.prepare("SELECT value FROM meta WHERE name = 'partitions'");
  st.step();
  const auto stored = static_cast<int>(st.integer(0));
  if (options_.partitions && *options_.partitions != stored)
    throw Invalid("the log in " + options_.dir.string() + " has " + std::to_string(stored) +
                  " partitions, not " + std::to_string(*options_.partitions));
  tx.commit();
  return stored;
}

void LogBus::publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  for (const auto& e : events)
    if (e.topic.empty()) throw Invalid("event " + e.id + " (" + e.type + ") has no topic");
  try {
    std::lock_guard lock(mutex_);
    append(events);
  } catch (const Unavailable&) {
    throw;
  } catch (const std::exception& e) {
    throw Unavailable(std::string("log bus: ") + e.what());
  }
  notify_consumers();
}

void LogBus::append(const std::vector<Event>& events) {
  sqlite::ImmediateTransaction tx(db_);
  for (const auto& e : events) {
    db_.prepare(
           "INSERT INTO events (topic, \"partition\", id, type, time_ms, key, source, payload)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, e.topic).bind(2, std::int64_t{log_partition(e, partitions_)}).bind(3, e.id)
        .bind(4, e.type).bind(5, e.time_ms).bind(6, e.key).bind(7, e.source).bind(8, e.payload)
        .run();
  }
  tx.commit();
}

void LogBus::notify_consumers() {
  const char byte = 0;
  // A lost notification costs latency only: consumers also look every ~100 ms.
  [[maybe_unused]] auto n = ::pwrite(notify_.get(), &byte, 1, 0);
}

std::unique_ptr<Subscription> LogBus::subscribe_batches(SubscriptionOptions options, BatchHandler handler) {
  if (options.group.empty() || options.topic.empty())
    throw Invalid("a subscription needs a group and a topic");
  if (!handler) throw Invalid("a subscription needs a handler");
  if (options.start == Start::latest) start_at_end(options);
  return std::make_unique<LogSubscription>(options_, partitions_, std::move(options),
                                           std::move(handler));
}

// A group with no position yet gets one at the log's end for every partition, before
// subscribe returns: what is published after it is delivered, whenever the partitions are
// taken. Offsets are global and grow in commit order, so the log's last one does for all.
void LogBus::start_at_end(const SubscriptionOptions& options) {
  std::int64_t end = 0;
  {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT COALESCE(MAX(\"offset\"), 0) FROM events");
    if (st.step()) end = st.integer(0);
  }
  sqlite::Database positions(log_paths::positions_db(options_.dir).string(), options_.open);
  sqlite::ImmediateTransaction tx(positions);
  auto known = positions.prepare("SELECT 1 FROM positions WHERE grp = ? AND topic = ? LIMIT 1");
  known.bind(1, options.group).bind(2, options.topic);
  if (known.step()) return;  // the group has a position: it goes on from there
  for (int p = 0; p < partitions_; ++p)
    positions.prepare("INSERT INTO positions (grp, topic, \"partition\", \"offset\") VALUES (?, ?, ?, ?)")
        .bind(1, options.group).bind(2, options.topic).bind(3, std::int64_t{p}).bind(4, end)
        .run();
  tx.commit();
}

bool LogBus::healthy() {
  try {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT value FROM meta WHERE name = 'partitions'");
    return st.step();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace hexa
