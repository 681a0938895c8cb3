#pragma once
// Private to hexa/http: the Client's idle keep-alive connections, per endpoint. Used from the
// client's one I/O thread only, so it needs no lock.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hexa::http::detail {

struct Connection {
  explicit Connection(boost::asio::io_context& ioc) : stream(ioc) {}
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(std::size_t max_idle_per_endpoint) : max_idle_(max_idle_per_endpoint) {}
  // The most recently used idle connection to `key` that still looks open, or null.
  std::unique_ptr<Connection> take(const std::string& key);
  void put(const std::string& key, std::unique_ptr<Connection> c);
  void clear() { idle_.clear(); }

 private:
  std::size_t max_idle_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace hexa::http::detail
