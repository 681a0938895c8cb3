#pragma once
// A client connection that reads raw bytes as they come (a streamed answer), every wait under
// a deadline, so a broken server fails the test instead of hanging it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace hexa::testing {

class StreamReader {
 public:
  explicit StreamReader(std::uint16_t port) {
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  void send(std::string_view bytes) { boost::asio::write(stream_.socket(), boost::asio::buffer(bytes)); }
  void close() { stream_.close(); }
  // Reads until `text` has arrived (true) or the connection ends or time is up (false).
  bool read_until(std::string_view text, std::chrono::milliseconds within = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (received_.find(text) == std::string::npos) {
      if (ended_ || std::chrono::steady_clock::now() > deadline) return false;
      read_some(deadline);
    }
    return true;
  }
  // Reads until the server closes the connection (true) or time is up.
  bool read_to_end(std::chrono::milliseconds within = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (!ended_ && std::chrono::steady_clock::now() < deadline) read_some(deadline);
    return ended_;
  }
  const std::string& received() const { return received_; }

 private:
  void read_some(std::chrono::steady_clock::time_point deadline) {
    char chunk[4096];
    stream_.expires_at(deadline);
    stream_.async_read_some(boost::asio::buffer(chunk), [&](boost::beast::error_code ec, std::size_t n) {
      received_.append(chunk, n);
      if (ec && ec != boost::beast::error::timeout) ended_ = true;
    });
    ioc_.restart();
    ioc_.run();
  }
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_{ioc_};
  std::string received_;
  bool ended_ = false;
};

}  // namespace hexa::testing
