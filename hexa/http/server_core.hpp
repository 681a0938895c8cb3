#pragma once
// Private to hexa/http: what the sessions of one Server share. Sessions hold it by shared_ptr,
// so the io_context outlives every session, even one kept alive by a late responder.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "hexa/http/server.hpp"

namespace hexa::http::detail {

class Session;

class ServerCore {
 public:
  ServerCore(ServerOptions options, PeerDispatch dispatch);

  const ServerOptions options;
  const PeerDispatch dispatch;
  boost::asio::io_context& ioc() { return ioc_; }

  // Set by start() before the first accept, read-only afterwards.
  void set_io_threads(std::vector<std::thread::id> ids) { io_thread_ids_ = std::move(ids); }
  bool on_io_thread() const;

  // Runs `task` on `ex`: inline when already there, queued otherwise. From a foreign thread
  // it is dropped once the server has shut its gate (the I/O threads may be gone).
  template <class Task>
  void submit(const boost::asio::any_io_executor& ex, Task&& task) {
    if (on_io_thread()) return boost::asio::dispatch(ex, std::forward<Task>(task));
    std::lock_guard lock(mutex_);
    if (gate_open_) boost::asio::post(ex, std::forward<Task>(task));
  }
  void close_gate();

  // Connections, so stop() can reach them.
  void add(const std::shared_ptr<Session>& s);
  void remove(const Session* s);
  std::vector<std::shared_ptr<Session>> sessions();

  // Requests dispatched and not yet written back, for the graceful stop.
  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished();
  bool wait_until_idle(std::chrono::steady_clock::time_point deadline);

  bool draining() const { return draining_.load(std::memory_order_acquire); }
  void start_draining() { draining_.store(true, std::memory_order_release); }

 private:
  std::vector<std::thread::id> io_thread_ids_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
  std::mutex mutex_;
  std::condition_variable idle_;
  bool gate_open_ = true;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
  // Last, so it is destroyed first: handlers it still holds may touch the members above.
  boost::asio::io_context ioc_;
};

}  // namespace hexa::http::detail
