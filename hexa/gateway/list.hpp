#pragma once
// Private to hexa/gateway: config lists arrive as "a, b,c" (see Config's flattening), and lists
// of maps as children "0", "1", ... of their key.
#include <algorithm>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/config/split_list.hpp"

namespace hexa::gateway {

using hexa::split_list;  // hexa/config/split_list.hpp

// The children of `prefix` in the file's order: Config lists them in text order ("10" before
// "2"), which would reorder a list of ten or more.
inline std::vector<std::string> indexed_children(const Config& config, const std::string& prefix) {
  auto keys = config.children(prefix);
  const auto is_index = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (std::all_of(keys.begin(), keys.end(), is_index)) {
    std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
      return std::stoul(a) < std::stoul(b);
    });
  }
  return keys;
}

}  // namespace hexa::gateway
