#pragma once
// Threads for blocking work (store transactions, synchronous calls to other services), so the
// HTTP I/O threads never wait on them.
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <utility>

namespace hexa {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) : pool_(threads) {}
  ~WorkerPool() { pool_.join(); }
  template <class F>
  void post(F&& f) { boost::asio::post(pool_, std::forward<F>(f)); }
  void stop() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace hexa
