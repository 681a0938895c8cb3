#pragma once
// Loopback port checks for the launcher's port plan.
#include <cstdint>
#include <functional>

namespace hexa::launcher {

// True when 127.0.0.1:port can be bound right now.
bool port_is_free(std::uint16_t port);
// A port the kernel hands out as free now (bind to 0). A child binds it a moment later; the
// window is small enough for a local launcher.
std::uint16_t any_free_port();

// How the planner asks about ports, so plans can be tested without touching the network.
struct PortProbe {
  std::function<bool(std::uint16_t)> is_free = port_is_free;
  std::function<std::uint16_t()> any_free = any_free_port;
};

}  // namespace hexa::launcher
