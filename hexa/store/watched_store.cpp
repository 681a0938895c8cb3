#include "hexa/store/watched_store.hpp"

namespace hexa {
namespace {

// Passes everything through, noting the watched rows it writes; tells them once committed.
class WatchedTransaction : public Transaction {
 public:
  WatchedTransaction(std::unique_ptr<Transaction> inner, ChangeWatcher& watcher)
      : inner_(std::move(inner)), watcher_(watcher) {}

  std::int64_t insert(const Schema& s, const Record& r) override {
    const auto id = inner_->insert(s, r);
    note(s, id);
    return id;
  }
  bool update(const Schema& s, std::int64_t id, const Record& r) override {
    const bool found = inner_->update(s, id, r);
    if (found) note(s, id);
    return found;
  }
  bool remove(const Schema& s, std::int64_t id) override {
    auto before = watcher_.watches(s.table) ? inner_->find(s, id) : std::nullopt;
    const bool found = inner_->remove(s, id);
    if (found && before) changes_.push_back({s.table, id, std::move(before)});
    return found;
  }
  std::optional<Record> find(const Schema& s, std::int64_t id) override { return inner_->find(s, id); }
  std::vector<Record> select(const Schema& s, const Query& q) override { return inner_->select(s, q); }
  std::int64_t count(const Schema& s, const Query& q) override { return inner_->count(s, q); }
  void add_to_outbox(const Event& e) override { inner_->add_to_outbox(e); }
  bool first_delivery(const std::string& consumer, const std::string& event_id) override {
    return inner_->first_delivery(consumer, event_id);
  }
  void commit() override {
    inner_->commit();
    if (!changes_.empty()) watcher_.committed(std::move(changes_));
    changes_.clear();
  }

 private:
  void note(const Schema& s, std::int64_t id) {
    if (watcher_.watches(s.table)) changes_.push_back({s.table, id, std::nullopt});
  }

  std::unique_ptr<Transaction> inner_;
  ChangeWatcher& watcher_;
  std::vector<RowChange> changes_;
};

}  // namespace

std::unique_ptr<Transaction> WatchedStore::begin(Access access) {
  auto tx = inner_->begin(access);
  if (access == Access::Read) return tx;  // nothing to tell
  return std::make_unique<WatchedTransaction>(std::move(tx), watcher_);
}

}  // namespace hexa
