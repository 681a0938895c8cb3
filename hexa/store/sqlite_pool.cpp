#include "hexa/store/sqlite_pool.hpp"

#include "hexa/model/errors.hpp"

namespace hexa::sqlite {

Pool::Pool(std::string path, OpenOptions options, std::size_t size)
    : path_(std::move(path)), options_(options), size_(size == 0 ? 1 : size) {}

Pool::Lease Pool::acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < size_; }))
    throw Unavailable("all " + std::to_string(size_) + " connections to " + path_ + " are busy");
  if (!idle_.empty()) {
    auto db = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(db));
  }
  ++open_;  // reserve the slot, then open outside the lock (opening does file I/O)
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Database>(path_, options_));
  } catch (...) {
    lock.lock();
    --open_;
    freed_.notify_one();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<Database> db) noexcept {
  // A connection still inside a transaction (its rollback failed) is not reused: closing it
  // is the only sure way to end that transaction.
  const bool reusable = !db->in_transaction();
  if (reusable) db->trim_cache();
  else db.reset();
  {
    std::lock_guard lock(mutex_);
    if (reusable) idle_.push_back(std::move(db));
    else --open_;
  }
  freed_.notify_one();
}

}  // namespace hexa::sqlite
