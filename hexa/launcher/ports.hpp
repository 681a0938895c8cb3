#pragma once
// Loopback port checks for the launcher's port plan.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <vector>

#include "hexa/events/unique_fd.hpp"

namespace hexa::launcher {

// True when 127.0.0.1:port can be bound right now.
bool port_is_free(std::uint16_t port);
// A port free now, at random from kLowestFreePort up to the kernel's ephemeral range (bind to 0
// only when that range leaves no room). A child binds it a moment later.
std::uint16_t any_free_port();
// Ports below are left to tests and tools that need a port of their own (tests/e2e/ports.py).
inline constexpr unsigned kLowestFreePort = 20000;

// The ports one launcher hands out, held against every other launcher on this machine for as
// long as this object lives: a lock (flock) on <dir>/<port>, which ends with the process, kill -9
// too. A port that can be bound but is leased elsewhere is passed over: between the pick and its
// child's bind, or while its instance waits to restart, another launcher found it free and its
// child took it ("Address already in use", seen with the launcher tests run in parallel).
class PortLeases {
 public:
  struct Range {
    unsigned low, high;  // [low, high)
  };
  static std::filesystem::path default_dir();
  // Without a range: from kLowestFreePort up to the kernel's ephemeral range.
  explicit PortLeases(std::filesystem::path dir = default_dir());
  PortLeases(std::filesystem::path dir, Range range);

  // A free port, leased until this object ends. Throws std::runtime_error when none is left.
  std::uint16_t any_free();

 private:
  bool lease(std::uint16_t port);  // locked here and free to bind

  std::filesystem::path dir_;
  Range range_;
  std::mutex mutex_;
  std::vector<UniqueFd> held_;  // the locked files
};

// How the planner asks about ports, so plans can be tested without touching the network.
struct PortProbe {
  std::function<bool(std::uint16_t)> is_free = port_is_free;
  std::function<std::uint16_t()> any_free = any_free_port;
};

}  // namespace hexa::launcher
