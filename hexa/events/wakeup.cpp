#include "hexa/events/wakeup.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "hexa/model/errors.hpp"

namespace hexa {

namespace {

void drain(int fd) {
  std::array<char, 4096> buffer;  // room for many inotify records; both fds are non-blocking
  while (::read(fd, buffer.data(), buffer.size()) > 0) {
  }
}

}  // namespace

Wakeup::Wakeup(const std::filesystem::path& watched_file)
    : inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      event_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!inotify_ || !event_) throw Unavailable(std::string("inotify/eventfd: ") + std::strerror(errno));
  if (::inotify_add_watch(inotify_.get(), watched_file.c_str(), IN_MODIFY) < 0)
    throw Unavailable("inotify watch on " + watched_file.string() + ": " + std::strerror(errno));
}

void Wakeup::wait(std::chrono::milliseconds timeout) {
  std::array<pollfd, 2> fds{pollfd{inotify_.get(), POLLIN, 0}, pollfd{event_.get(), POLLIN, 0}};
  if (::poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) > 0) {
    if (fds[0].revents) drain(inotify_.get());
    if (fds[1].revents) drain(event_.get());
  }
}

void Wakeup::signal() {
  const std::uint64_t one = 1;
  // Cannot fail short of a full counter (2^64 - 2 signals): nothing to handle.
  [[maybe_unused]] auto n = ::write(event_.get(), &one, sizeof one);
}

}  // namespace hexa
