#include "hexa/http/server_stream.hpp"

#include "hexa/http/server_session.hpp"

namespace hexa::http::detail {

bool ConnectionStream::send(std::string bytes) {
  if (!open()) return false;
  const auto session = session_.lock();
  if (!session) {
    ended();
    return false;
  }
  session->post_stream_bytes(std::move(bytes));
  return true;
}

void ConnectionStream::close() {
  if (const auto session = session_.lock()) session->post_stream_end();
}

void ConnectionStream::on_close(std::function<void()> f) {
  {
    std::lock_guard lock(mutex_);
    if (open()) {
      on_close_ = std::move(f);
      return;
    }
  }
  f();
}

void ConnectionStream::ended() {
  std::function<void()> f;
  {
    std::lock_guard lock(mutex_);
    if (closed_.exchange(true, std::memory_order_acq_rel)) return;
    f = std::move(on_close_);
  }
  if (f) f();
}

}  // namespace hexa::http::detail
