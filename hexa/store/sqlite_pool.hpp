#pragma once
// A small, thread-safe pool of connections to one SQLite file. A lease hands one connection to
// one thread and gives it back when it dies; connections are opened lazily up to `size`.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hexa/store/sqlite_db.hpp"

namespace hexa::sqlite {

class Pool {
 public:
  Pool(std::string path, OpenOptions options, std::size_t size);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_) pool_->give_back(std::move(db_));
    }
    Database& operator*() const { return *db_; }
    Database* operator->() const { return db_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Database> db_;
  };

  // Waits up to `wait` for a free connection; throws hexa::Unavailable after that.
  Lease acquire(std::chrono::milliseconds wait);

 private:
  void give_back(std::unique_ptr<Database> db) noexcept;

  const std::string path_;
  const OpenOptions options_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Database>> idle_;
  std::size_t open_ = 0;  // idle + leased
};

}  // namespace hexa::sqlite
