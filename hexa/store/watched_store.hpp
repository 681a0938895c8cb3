#pragma once
// A store that says, after each commit, which rows of the watched tables it changed: how a
// live feed (hexa/rest/live_feed.hpp) learns of every committed change, whoever made it (a
// REST write, a view's event handler, a reconciler, seed rows), without any of them knowing.
// Rolled-back work says nothing. Wraps any engine; costs nothing for tables nobody watches.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hexa/store/store.hpp"

namespace hexa {

struct RowChange {
  std::string table;
  std::int64_t id = 0;
  std::optional<Record> removed;  // the row as it was, when it was removed
};

class ChangeWatcher {
 public:
  virtual ~ChangeWatcher() = default;
  virtual bool watches(const std::string& table) const = 0;  // any thread, often: cheap
  // After a commit that changed watched rows, on the committing thread: must not block.
  virtual void committed(std::vector<RowChange> changes) = 0;
};

class WatchedStore : public Store {
 public:
  // `watcher` must outlive the store's last transaction.
  WatchedStore(std::unique_ptr<Store> inner, ChangeWatcher& watcher)
      : inner_(std::move(inner)), watcher_(watcher) {}

  void migrate(const Schema& s) override { inner_->migrate(s); }
  std::unique_ptr<Transaction> begin(Access access) override;
  std::vector<OutboxEntry> outbox_batch(std::size_t limit) override { return inner_->outbox_batch(limit); }
  void outbox_remove_through(std::int64_t seq) override { inner_->outbox_remove_through(seq); }
  bool healthy() override { return inner_->healthy(); }

 private:
  std::unique_ptr<Store> inner_;
  ChangeWatcher& watcher_;
};

}  // namespace hexa
