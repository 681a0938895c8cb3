#include "hexa/events/group_lock.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "hexa/model/errors.hpp"

namespace hexa {

namespace {

struct flock byte_lock(short type, off_t byte) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  fl.l_pid = 0;  // required by the OFD commands
  return fl;
}

// Non-blocking; false when another open file description holds a conflicting lock.
bool set_lock(int fd, short type, off_t byte) {
  auto fl = byte_lock(type, byte);
  if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) return true;
  if (errno == EAGAIN || errno == EACCES) return false;
  throw Unavailable(std::string("OFD lock: ") + std::strerror(errno));
}

}  // namespace

GroupLock::GroupLock(const std::filesystem::path& file) {
  // CLOEXEC: a child process must not inherit (and so keep alive) this member's locks.
  fd_ = UniqueFd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd_) throw Unavailable("cannot open " + file.string() + ": " + std::strerror(errno));
  for (int i = 0; i < kSlots; ++i) {
    if (set_lock(fd_.get(), F_WRLCK, i)) {
      slot_ = i;
      return;
    }
  }
  throw Unavailable("all " + std::to_string(kSlots) + " member slots of " + file.string() +
                    " are taken");
}

std::vector<int> GroupLock::live_slots() const {
  std::vector<int> live;
  for (int i = 0; i < kSlots; ++i) {
    if (i == slot_) {  // our own lock never conflicts with us, so GETLK cannot see it
      live.push_back(i);
      continue;
    }
    auto fl = byte_lock(F_WRLCK, i);
    if (::fcntl(fd_.get(), F_OFD_GETLK, &fl) != 0)
      throw Unavailable(std::string("OFD lock query: ") + std::strerror(errno));
    if (fl.l_type != F_UNLCK) live.push_back(i);
  }
  return live;
}

bool GroupLock::try_take(int partition) { return set_lock(fd_.get(), F_WRLCK, kSlots + partition); }

void GroupLock::release(int partition) { set_lock(fd_.get(), F_UNLCK, kSlots + partition); }

}  // namespace hexa
