#include "hexa/launcher/ports.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>
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

}  // namespace

bool port_is_free(std::uint16_t port) { return try_bind(port).has_value(); }

std::uint16_t any_free_port() {
  if (auto port = try_bind(0)) return *port;
  throw std::runtime_error("no free loopback port");
}

}  // namespace hexa::launcher
