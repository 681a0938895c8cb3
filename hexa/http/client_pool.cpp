#include "hexa/http/client_pool.hpp"

namespace hexa::http::detail {
namespace {

// An idle connection the server has closed shows end-of-stream (or stray bytes) without
// blocking; a healthy one would block. Checking first saves a failed round trip and a retry.
bool looks_open(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return false;
  char byte;
  socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
  const bool open = ec == boost::asio::error::would_block;
  socket.non_blocking(false, ec);
  return open;
}

}  // namespace

std::unique_ptr<Connection> ConnectionPool::take(const std::string& key) {
  const auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& stack = it->second;
  while (!stack.empty()) {
    auto c = std::move(stack.back());
    stack.pop_back();
    if (looks_open(c->stream.socket())) return c;
  }
  return nullptr;
}

void ConnectionPool::put(const std::string& key, std::unique_ptr<Connection> c) {
  auto& stack = idle_[key];
  if (stack.size() < max_idle_) stack.push_back(std::move(c));
}

}  // namespace hexa::http::detail
