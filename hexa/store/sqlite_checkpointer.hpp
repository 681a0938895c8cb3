#pragma once
// Keeps SQLite's WAL checkpoints (and their fsyncs) off the commit path.
//
// With synchronous=NORMAL a commit does not fsync, but by default the COMMIT that pushes the
// WAL past 1000 pages runs a checkpoint in the committing thread: two fsyncs, which on a busy
// disk took up to 40 ms and showed as the p99 of commits and of bus latency. Connections
// opened with OpenOptions::checkpoints instead ask a Checkpointer thread to do it, at the same
// WAL size. Checkpointing more often would not help: the first commit after each WAL restart
// must fsync the new WAL header (SQLite ticket ff5be73dee), so restarts stay as rare as before.
// Requests are served at most every 100 ms: while a reader keeps the WAL from restarting,
// every commit finds it past 1000 pages, and a checkpoint per commit would be an fsync per
// commit. The price: a background checkpoint cannot finish while a writer keeps appending,
// and the WAL restarts only after one that did, so under a sustained burst the WAL grows;
// past 10000 pages (~40 MB; also should the checkpointer be gone) a committing connection
// checkpoints itself.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hexa/store/sqlite_db.hpp"

namespace hexa::sqlite {

// Checkpoint requests from committing connections (any thread) to one Checkpointer. Shared,
// so a connection that outlives its checkpointer can still raise one harmlessly.
class CheckpointRequests {
 public:
  void raise();  // cheap: a flag and a wake-up, never I/O
  // Blocks until a request (true; the request is taken) or stop() (false).
  bool next();
  // Sleeps `pause` unless stopped (false); requests raised meanwhile wait for next().
  bool rest(std::chrono::milliseconds pause);
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool raised_ = false;
  bool stopped_ = false;
};

class Checkpointer {
 public:
  explicit Checkpointer(const std::vector<std::string>& paths, OpenOptions options = {});
  ~Checkpointer();  // stops promptly
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Options for the connections this checkpointer serves.
  OpenOptions served(OpenOptions options) const;

 private:
  void run() noexcept;

  std::shared_ptr<CheckpointRequests> requests_ = std::make_shared<CheckpointRequests>();
  std::vector<std::unique_ptr<Database>> dbs_;
  std::thread thread_;  // started last, in the constructor's body
};

}  // namespace hexa::sqlite
