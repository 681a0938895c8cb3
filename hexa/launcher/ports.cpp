#include "hexa/launcher/ports.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>

namespace hexa::launcher {
namespace {

using boost::asio::ip::tcp;

// Binds with SO_REUSEADDR as servers do (Asio's default): connections lingering in TIME_WAIT
// from a previous run do not make a port look taken, a live listener does.
std::optional<std::uint16_t> try_bind(std::uint16_t port) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(tcp::v4(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(tcp::endpoint(boost::asio::ip::address_v4::loopback(), port), ec);
  if (ec) return std::nullopt;
  return acceptor.local_endpoint().port();
}

// Where the kernel picks the local ports of outgoing connections: [first, last].
std::pair<unsigned, unsigned> ephemeral_range() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned first = 32768, last = 60999;  // Linux's default
  in >> first >> last;
  return {first, last};
}

}  // namespace

bool port_is_free(std::uint16_t port) { return try_bind(port).has_value(); }

std::uint16_t any_free_port() {
  // Not bind to 0: that hands out a port of the ephemeral range, which any outgoing connection
  // (a load test makes thousands) may take before the child binds it ("Address already in
  // use"). Below that range only listeners bind; a random pick keeps parallel launchers apart.
  const unsigned low = std::min(ephemeral_range().first, 65536u);
  if (low > kLowestFreePort + 1000) {
    std::mt19937 pick{std::random_device{}()};
    std::uniform_int_distribution<unsigned> port(kLowestFreePort, low - 1);
    for (int attempt = 0; attempt < 200; ++attempt)
      if (auto p = try_bind(static_cast<std::uint16_t>(port(pick)))) return *p;
  }
  if (auto port = try_bind(0)) return *port;
  throw std::runtime_error("no free loopback port");
}

}  // namespace hexa::launcher
