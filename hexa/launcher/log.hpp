#pragma once
// The launcher's one-line notices (child exits, restarts) go to stderr so the table on stdout
// stays clean for scripts.
#include <fmt/core.h>

#include <cstdio>
#include <utility>

namespace hexa::launcher {

template <typename... Args>
void notice(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "hexa: {}\n", fmt::format(format, std::forward<Args>(args)...));
  std::fflush(stderr);
}

}  // namespace hexa::launcher
