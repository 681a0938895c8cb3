#include "hexa/launcher/ports.hpp"

#include <fcntl.h>
#include <sys/file.h>

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

// Not bind to 0: that hands out a port of the ephemeral range, which any outgoing connection
// (a load test makes thousands) may take before the child binds it ("Address already in use").
// Below that range only listeners bind; a random pick keeps parallel launchers apart.
PortLeases::Range below_ephemeral_range() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned first = 32768;  // Linux's default
  in >> first;
  return {kLowestFreePort, std::min(first, 65536u)};
}

// A port of `range` at random for which `take` says yes; nullopt after 200 noes.
std::optional<std::uint16_t> pick(PortLeases::Range range, const std::function<bool(std::uint16_t)>& take) {
  if (range.high <= range.low) return std::nullopt;
  std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<unsigned> port(range.low, range.high - 1);
  for (int attempt = 0; attempt < 200; ++attempt)
    if (const auto p = static_cast<std::uint16_t>(port(random)); take(p)) return p;
  return std::nullopt;
}

}  // namespace

bool port_is_free(std::uint16_t port) { return try_bind(port).has_value(); }

std::uint16_t any_free_port() {
  const auto range = below_ephemeral_range();
  if (range.high > range.low + 1000)
    if (auto p = pick(range, port_is_free)) return *p;
  if (auto port = try_bind(0)) return *port;
  throw std::runtime_error("no free loopback port");
}

std::filesystem::path PortLeases::default_dir() { return std::filesystem::temp_directory_path() / "hexa-ports"; }

PortLeases::PortLeases(std::filesystem::path dir) : PortLeases(std::move(dir), below_ephemeral_range()) {}

PortLeases::PortLeases(std::filesystem::path dir, Range range) : dir_(std::move(dir)), range_(range) {
  namespace fs = std::filesystem;
  if (fs::create_directories(dir_)) {  // shared by every user's launchers, as /tmp is
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::all | fs::perms::sticky_bit, ignored);
  }
}

std::uint16_t PortLeases::any_free() {
  std::lock_guard lock(mutex_);
  if (auto p = pick(range_, [this](std::uint16_t port) { return lease(port); })) return *p;
  throw std::runtime_error("no free loopback port that no other launcher holds");
}

bool PortLeases::lease(std::uint16_t port) {
  const auto path = dir_ / std::to_string(port);
  UniqueFd file(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666));
  // Locked by us already (an earlier lease) or by another launcher: not free. flock belongs to
  // the open file, so a second open of ours is refused too.
  if (!file || ::flock(file.get(), LOCK_EX | LOCK_NB) != 0 || !port_is_free(port)) return false;
  held_.push_back(std::move(file));
  return true;
}

}  // namespace hexa::launcher
