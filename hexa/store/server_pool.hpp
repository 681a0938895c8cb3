#pragma once
// A thread-safe pool of connections to a database server (PostgreSQL, MariaDB). Connections
// open lazily up to `size`; a lease hands one to one thread and gives it back when it dies.
//
// Reconnecting: a connection whose recycle() says it is unusable (the server closed it, or a
// transaction is stuck open) is closed when given back, and the next lease opens a fresh one.
// lease_after() leases a connection and runs a first statement on it: a reused connection that
// turns out broken before any work was done on it is closed and another leased, until a fresh
// one fails too (after a server restart, every pooled connection is broken).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "hexa/model/errors.hpp"

namespace hexa {

// Connection must provide `bool recycle() noexcept` (readies it for the next lease, false when
// it must be closed instead) and `bool broken() const` (the server is gone from it).
template <class Connection>
class ServerPool {
 public:
  using Open = std::function<std::unique_ptr<Connection>()>;

  ServerPool(std::string name, std::size_t size, Open open)
      : name_(std::move(name)), size_(size == 0 ? 1 : size), open_connection_(std::move(open)) {}
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  class Lease {
   public:
    Lease(ServerPool& pool, std::unique_ptr<Connection> c, bool fresh)
        : pool_(&pool), c_(std::move(c)), fresh_(fresh) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_) pool_->give_back(std::move(c_));
    }
    Connection& operator*() const { return *c_; }
    Connection* operator->() const { return c_.get(); }
    // Opened for this lease, not reused from the pool.
    bool fresh() const { return fresh_; }
    // Closes the connection instead of returning it (it is broken).
    void discard() noexcept {
      c_.reset();
      pool_->forget_one();
    }

   private:
    ServerPool* pool_;
    std::unique_ptr<Connection> c_;
    bool fresh_;
  };

  // Waits up to `wait` for a free connection; throws hexa::Unavailable after that, or the
  // error of opening a new connection.
  Lease acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < size_; }))
      throw Unavailable("all " + std::to_string(size_) + " connections to " + name_ + " are busy");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c), false);
    }
    ++open_;  // reserve the slot, then connect outside the lock (a network round trip)
    lock.unlock();
    try {
      return Lease(*this, open_connection_(), true);
    } catch (...) {
      forget_one();
      throw;
    }
  }

  // A lease on which `first` has run (see the top of this file); throws what `first` threw
  // on a fresh connection, or anything but hexa::Unavailable at once.
  template <class First>
  Lease lease_after(std::chrono::milliseconds wait, First&& first) {
    for (;;) {
      auto lease = acquire(wait);
      try {
        first(*lease);
        return lease;
      } catch (const Unavailable&) {
        if (lease.fresh() || !lease->broken()) throw;
        lease.discard();
      }
    }
  }

 private:
  void give_back(std::unique_ptr<Connection> c) noexcept {
    if (!c->recycle()) {
      c.reset();
      forget_one();
      return;
    }
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(c));
    }
    freed_.notify_one();
  }

  void forget_one() noexcept {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    freed_.notify_one();
  }

  const std::string name_;
  const std::size_t size_;
  const Open open_connection_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle + leased
};

}  // namespace hexa
