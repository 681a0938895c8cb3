#pragma once
// Private to hexa/http: the EventStream of one server connection. It holds the connection
// weakly: a stream nobody reads any more does not keep the connection, nor the server, alive.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "hexa/http/event_stream.hpp"

namespace hexa::http::detail {

class Session;

class ConnectionStream : public EventStream {
 public:
  explicit ConnectionStream(std::weak_ptr<Session> session) : session_(std::move(session)) {}

  bool send(std::string bytes) override;
  bool open() const override { return !closed_.load(std::memory_order_acquire); }
  void close() override;
  void on_close(std::function<void()> f) override;

  void ended();  // by the session, when its connection closes: runs the on_close function

 private:
  std::weak_ptr<Session> session_;
  std::atomic<bool> closed_{false};
  std::mutex mutex_;
  std::function<void()> on_close_;
};

}  // namespace hexa::http::detail
