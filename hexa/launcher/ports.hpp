#pragma once
// Loopback port checks for the launcher's port plan.
#include <cstdint>
#include <functional>

namespace hexa::launcher {

// True when 127.0.0.1:port can be bound right now.
bool port_is_free(std::uint16_t port);
// A port free now, at random from kLowestFreePort up to the kernel's ephemeral range (bind to 0
// only when that range leaves no room). A child binds it a moment later.
std::uint16_t any_free_port();
// Ports below are left to tests and tools that need a port of their own (tests/e2e/ports.py).
inline constexpr unsigned kLowestFreePort = 20000;

// How the planner asks about ports, so plans can be tested without touching the network.
struct PortProbe {
  std::function<bool(std::uint16_t)> is_free = port_is_free;
  std::function<std::uint16_t()> any_free = any_free_port;
};

}  // namespace hexa::launcher
