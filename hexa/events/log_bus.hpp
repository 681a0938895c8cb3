#pragma once
// LogBus: the embedded durable event bus ("log:/dir?partitions=8"), shared by the separate
// processes of one system on one machine. No server: every process opens the same folder.
//
// Files in the folder
//   log.db              SQLite (WAL) holding the log:
//                         events(offset INTEGER PRIMARY KEY AUTOINCREMENT, topic, partition,
//                                id, type, time_ms, key, source, payload)
//                         index (topic, partition, offset); meta(partitions)
//   log.notify          one byte rewritten after every append commit; consumers watch it
//   groups/positions.db committed positions: (group, topic, partition) -> last handled offset
//   groups/<group>@<topic>.lock   membership and ownership locks (see group_lock.hpp)
//
// Publishing: a batch is appended in ONE BEGIN IMMEDIATE transaction; publish() returns after
// COMMIT. SQLite has one writer at a time, so offsets grow in commit order: a reader that saw
// offset n can never later find a smaller offset committed (no gaps to wait for). Durability
// as the SQLite store: synchronous=NORMAL survives any process crash; "?sync=full" also an
// OS crash. Every topic has the same fixed number of partitions (default 8, kept in the log on
// creation; a URL asking for another number is refused); partition = FNV-1a(key) mod N, so
// one key's events stay in order (an empty key uses the event id: no order asked).
//
// Consuming: a consumer group splits each topic's partitions among its live members. Members
// and owners are OFD byte-range locks in the group's lock file, so a member that dies (even
// kill -9) disappears with its locks: no heartbeats, no expiry. Every ~100 ms a member ranks
// itself among the live slots (rank r of n) and wants the partitions p with p % n == r; it
// releases the ones it should no longer own and tries, without blocking, to take the ones it
// wants. It reads only partitions whose lock it holds. A partition changes hands only after
// the old owner has committed its position and released the lock.
//
// One thread per subscription. A round reads up to 256 events after the positions of the
// partitions it owns and hands them to the handler as one batch; after a busy round it lingers
// (linger.hpp: a millisecond per further event, at most 5) so that the next batch is larger.
// Positions advance in memory and are committed at most every 100 ms, before a partition is
// handed over, and at stop. A commit per event cost a positions.db write per event per group
// (~28k writes/s at 2,000 car rental flows/s);
// now a crash redelivers at most what was handled in the last 100 ms, which idempotent
// handlers skip, and a clean hand-over still redelivers nothing. Positions
// live in their own file so those commits never compete with publishers for the log's write
// lock. A handler that throws (or handles only part of a batch) pauses
// its partition for retry_delay, then gets the first unhandled event again; other partitions
// go on. A new group starts at the beginning of the log, or (Start::latest) at its end: the
// positions of all partitions are set to the log's last offset when subscribe is called.
//
// Waking: the thread sleeps in poll() on an inotify watch (IN_MODIFY) of log.notify, an
// eventfd (stop) and a timeout (~100 ms: rebalancing, retries, and a fallback should a
// publisher die between commit and notify). log.notify rather than the -wal file: the WAL's
// last write() happens before the commit is visible (the wal-index is updated after it), so a
// consumer woken by it may look too early and then sleep until the fallback; the notify byte
// is written after COMMIT returned. Publish-to-handle latency is then a context switch plus a
// few indexed reads (see bench/outbox).
//
// Checkpoints of log.db and positions.db run on a background thread of each LogBus (see
// sqlite_checkpointer.hpp), so a publish or a position commit rarely waits on fsync.
//
// Not done: retention. The log grows until deleted; fine for development and tests.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>

#include "hexa/events/bus.hpp"
#include "hexa/events/linger.hpp"
#include "hexa/events/unique_fd.hpp"
#include "hexa/store/sqlite_checkpointer.hpp"
#include "hexa/store/sqlite_db.hpp"

namespace hexa {

struct LogBusOptions {
  std::filesystem::path dir;
  std::optional<int> partitions;  // unset: the log's own, or 8 for a new log
  sqlite::OpenOptions open;
  std::size_t batch = 256;  // events read in one round, shared among the owned partitions
  std::chrono::milliseconds rebalance_every{100};
  // After a round that found several events (a busy stream), wait before the next one:
  // fewer, larger batches. A lone event (light traffic) is handled at once.
  Linger linger;
  // Positions are committed at most this often (and always before a partition is handed
  // over or the subscription stops): a crash redelivers what was handled since, and
  // idempotent handlers skip it.
  std::chrono::milliseconds commit_every{100};
};

// FNV-1a (32 bit): stable across processes, builds and machines, unlike std::hash.
std::uint32_t fnv1a(std::string_view bytes);
int log_partition(const Event& e, int partitions);

class LogBus final : public EventBus {
 public:
  explicit LogBus(LogBusOptions options);  // creates the folder and files as needed

  void publish(const std::vector<Event>& events) override;
  // Subscriptions must not outlive the bus's folder, but may outlive the LogBus object.
  std::unique_ptr<Subscription> subscribe_batches(SubscriptionOptions options,
                                                  BatchHandler handler) override;
  bool healthy() override;
  int partitions() const { return partitions_; }

 private:
  int open_log();  // creates the schema; returns the partition count
  void append(const std::vector<Event>& events);
  void notify_consumers();
  void start_at_end(const SubscriptionOptions& options);  // Start::latest for a new group

  // First: it outlives the connections that ask it for checkpoints.
  sqlite::Checkpointer checkpointer_;  // log.db and positions.db, off the publish path
  const LogBusOptions options_;  // with the checkpointer's connection options
  std::mutex mutex_;  // one publisher at a time on db_
  sqlite::Database db_;
  const int partitions_;
  UniqueFd notify_;
};

}  // namespace hexa
