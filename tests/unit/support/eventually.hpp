#pragma once
// Waits for a condition with a deadline, never a bare sleep standing in for it.
#include <chrono>
#include <functional>
#include <thread>

namespace hexa::testing {

// Polls `condition` until it holds (true) or `within` has passed (false).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds within = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace hexa::testing
