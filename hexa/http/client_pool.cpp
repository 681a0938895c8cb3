#include "hexa/http/client_pool.hpp"

#include "hexa/http/client_call.hpp"

namespace hexa::http::detail {

std::unique_ptr<Connection> ConnectionPool::take(const std::string& key) {
  const auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& stack = it->second;
  while (!stack.empty()) {
    auto c = std::move(stack.back());
    stack.pop_back();
    if (looks_open(c->stream.socket().native_handle())) return c;
  }
  return nullptr;
}

void ConnectionPool::put(const std::string& key, std::unique_ptr<Connection> c) {
  auto& stack = idle_[key];
  if (stack.size() < max_idle_) stack.push_back(std::move(c));
}

}  // namespace hexa::http::detail
