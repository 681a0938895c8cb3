#pragma once
// This process's writes to one SQLite file, with group commit.
//
// Writers take turns (FIFO: a thread committing in a tight loop cannot starve a waiting one,
// e.g. the outbox relay) on ONE open write transaction. Each works inside a savepoint of it.
// A writer that commits while others are queued does not COMMIT: it releases its savepoint,
// hands the open transaction to the next writer and waits; the last writer of the group
// (nobody queued, or the group is full) COMMITs for all and wakes them. Under load one WAL
// append and one lock round serve a whole queue of writers instead of one each; a lone writer
// commits at once, as before. A writer that rolls back undoes its own savepoint only. When
// the COMMIT fails, every writer of the group gets the error: none of it is committed, and
// no writer's commit() returns before its changes are durable.
//
// Not a mutex: a transaction may begin on one thread and end on another.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>

#include "hexa/store/sqlite_pool.hpp"

namespace hexa::sqlite {

class GroupCommit {
  struct Group;

 public:
  // `timeout` bounds the wait for a turn and for a connection; then hexa::Unavailable.
  GroupCommit(Pool& pool, std::chrono::milliseconds timeout, std::size_t max_group = 32)
      : pool_(pool), timeout_(timeout), max_group_(max_group) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // One writer's turn, from begin() to commit() or destruction (which rolls its changes back).
  class Writer {
   public:
    Writer(Writer&& other) noexcept;
    Writer& operator=(Writer&&) = delete;
    ~Writer();
    Database& db() const;
    void commit();  // returns once the group has committed; throws what the COMMIT threw

   private:
    friend class GroupCommit;
    Writer(GroupCommit& owner, std::shared_ptr<Group> group) : owner_(&owner), group_(std::move(group)) {}
    GroupCommit* owner_;
    std::shared_ptr<Group> group_;
  };

  // Waits for this process's turn (bounded: a thread that begins a second write while
  // holding one would otherwise wait forever), joining the open transaction or opening one.
  Writer begin();

 private:
  struct Group {
    explicit Group(Pool::Lease l) : lease(std::move(l)), result(done.get_future().share()) {}
    std::optional<Pool::Lease> lease;  // the connection, until the group ends
    std::size_t writers = 0;
    bool broken = false;  // a savepoint could not be undone: the group must not commit
    std::promise<void> done;
    std::shared_future<void> result;
  };
  struct Waiter {
    std::condition_variable granted_cv;
    bool granted = false;
  };

  void take_turn();
  void pass_turn();  // to the next waiter in line, or nobody
  // By the writer whose turn it is, after its savepoint is released or undone: hands the open
  // transaction on, or ends the group (COMMIT, or ROLLBACK when broken).
  void end_turn();
  void end_group(Group& group);

  Pool& pool_;
  const std::chrono::milliseconds timeout_;
  const std::size_t max_group_;
  std::mutex mutex_;
  bool turn_taken_ = false;
  std::deque<Waiter*> waiters_;     // each lives on its waiting thread's stack
  std::shared_ptr<Group> group_;    // the open transaction; touched by the turn holder only
};

}  // namespace hexa::sqlite
