#include "hexa/store/sqlite_write_slot.hpp"

#include <algorithm>
#include <string>

#include "hexa/model/errors.hpp"

namespace hexa::sqlite {

WriteSlot::Held WriteSlot::acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!held_ && waiters_.empty()) {
    held_ = true;
    return Held(*this);
  }
  Waiter me;
  waiters_.push_back(&me);
  if (!me.granted_cv.wait_for(lock, timeout, [&] { return me.granted; })) {
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &me));
    throw Unavailable("the store's write lock stayed busy for " + std::to_string(timeout.count()) +
                      " ms");
  }
  return Held(*this);  // handed over by release(): held_ stayed true
}

void WriteSlot::release() {
  std::lock_guard lock(mutex_);
  if (waiters_.empty()) {
    held_ = false;
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->granted = true;
  // Under the mutex on purpose: `next` lives on a stack that cannot unwind before we unlock.
  next->granted_cv.notify_one();
}

}  // namespace hexa::sqlite
