#include "hexa/store/sqlite_group_commit.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "hexa/model/errors.hpp"

namespace hexa::sqlite {

GroupCommit::Writer::Writer(Writer&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), group_(std::move(other.group_)) {}

GroupCommit::Writer::~Writer() {
  if (!owner_) return;  // moved from, or committed
  try {
    db().prepare("ROLLBACK TO writer").run();
    db().prepare("RELEASE writer").run();
  } catch (...) {
    group_->broken = true;  // our changes may still be in there: nobody may commit them
  }
  owner_->end_turn();
}

Database& GroupCommit::Writer::db() const { return **group_->lease; }

void GroupCommit::Writer::commit() {
  if (!owner_) throw std::logic_error("this write has already committed");
  db().prepare("RELEASE writer").run();  // should it throw, the destructor rolls back
  const auto group = group_;
  std::exchange(owner_, nullptr)->end_turn();
  group->result.get();  // at once when we ended the group; rethrows a failed COMMIT
}

GroupCommit::Writer GroupCommit::begin() {
  take_turn();
  try {
    if (!group_) {
      auto group = std::make_shared<Group>(pool_.acquire(timeout_));
      (*group->lease)->prepare("BEGIN IMMEDIATE").run();  // other processes: busy timeout
      group_ = std::move(group);
    }
    (*group_->lease)->prepare("SAVEPOINT writer").run();
  } catch (...) {
    if (group_) end_turn();  // the writers before us still commit
    else pass_turn();
    throw;
  }
  ++group_->writers;
  return Writer(*this, group_);
}

void GroupCommit::take_turn() {
  std::unique_lock lock(mutex_);
  if (!turn_taken_ && waiters_.empty()) {
    turn_taken_ = true;
    return;
  }
  Waiter me;
  waiters_.push_back(&me);
  if (!me.granted_cv.wait_for(lock, timeout_, [&] { return me.granted; })) {
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &me));
    throw Unavailable("the store's write lock stayed busy for " + std::to_string(timeout_.count()) + " ms");
  }
  // Handed over by pass_turn() or end_turn(): turn_taken_ stayed true.
}

void GroupCommit::pass_turn() {
  std::lock_guard lock(mutex_);
  if (waiters_.empty()) {
    turn_taken_ = false;
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->granted = true;
  // Under the mutex on purpose: `next` lives on a stack that cannot unwind before we unlock.
  next->granted_cv.notify_one();
}

void GroupCommit::end_turn() {
  {
    std::lock_guard lock(mutex_);
    if (!group_->broken && !waiters_.empty() && group_->writers < max_group_) {
      Waiter* next = waiters_.front();  // joins the open transaction
      waiters_.pop_front();
      next->granted = true;
      next->granted_cv.notify_one();
      return;
    }
  }
  const auto group = std::move(group_);  // still our turn: nobody else touches group_
  end_group(*group);
  pass_turn();
}

void GroupCommit::end_group(Group& group) {
  try {
    if (group.broken) throw Unavailable("a write could not be undone, so its whole group was rolled back");
    (*group.lease)->prepare("COMMIT").run();
    group.done.set_value();
  } catch (...) {
    const auto error = std::current_exception();
    try {
      (*group.lease)->prepare("ROLLBACK").run();
    } catch (...) {
      // The pool closes a connection left inside a transaction, which rolls it back.
    }
    group.done.set_exception(error);
  }
  group.lease.reset();  // the connection goes back to the pool
}

}  // namespace hexa::sqlite
