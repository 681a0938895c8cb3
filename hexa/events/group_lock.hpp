#pragma once
// Membership and partition ownership of one consumer group on one topic, shared by processes
// through Linux open-file-description (OFD) locks on a lock file:
//   byte i            (0 <= i < kSlots): member slot i, write-locked by the member using it
//   byte kSlots + p   : partition p, write-locked by the member that owns it
// OFD locks belong to an open() of the file, not to a process: two members in one process
// (two Subscriptions) each have their own and exclude each other, and the kernel drops a
// member's locks when its descriptor closes, including when the process is killed (-9).
// No heartbeats or expiry are needed: a lock held is a member alive.
#include <filesystem>
#include <vector>

#include "hexa/events/unique_fd.hpp"

namespace hexa {

class GroupLock {
 public:
  static constexpr int kSlots = 64;  // live members per group and topic, at most

  // Opens (creating) the lock file and takes the first free member slot; throws
  // hexa::Unavailable when all slots are taken.
  explicit GroupLock(const std::filesystem::path& file);

  int slot() const { return slot_; }
  // Slots held by live members (this one included), ascending.
  std::vector<int> live_slots() const;
  bool try_take(int partition);  // non-blocking
  void release(int partition);

 private:
  UniqueFd fd_;
  int slot_ = -1;
};

}  // namespace hexa
