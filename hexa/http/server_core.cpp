#include "hexa/http/server_core.hpp"

#include <algorithm>

namespace hexa::http::detail {

ServerCore::ServerCore(ServerOptions opts, PeerDispatch d)
    : options(std::move(opts)), dispatch(std::move(d)), ioc_(std::max(1, options.io_threads)) {}

bool ServerCore::on_io_thread() const {
  const auto me = std::this_thread::get_id();
  return std::find(io_thread_ids_.begin(), io_thread_ids_.end(), me) != io_thread_ids_.end();
}

void ServerCore::close_gate() {
  std::lock_guard lock(mutex_);
  gate_open_ = false;
}

void ServerCore::add(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(s.get(), s);
}

void ServerCore::remove(const Session* s) {
  std::lock_guard lock(mutex_);
  sessions_.erase(s);
}

std::vector<std::shared_ptr<Session>> ServerCore::sessions() {
  // Copied out so callers never hold the lock while a session may be destroyed (its
  // destructor takes the lock too).
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

void ServerCore::request_finished() {
  if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) == 1 && draining()) {
    std::lock_guard lock(mutex_);  // pairs with the waiter's predicate check: no lost wake-up
    idle_.notify_all();
  }
}

bool ServerCore::wait_until_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return in_flight_.load() == 0; });
}

}  // namespace hexa::http::detail
