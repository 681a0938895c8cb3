#include "hexa/events/log_paths.hpp"

namespace hexa::log_paths {

namespace {

// Letters, digits, '.', '_' and '-' stay; anything else becomes %XX, so any group or topic
// name makes one safe file name and "<group>@<topic>" cannot be read two ways.
std::string escape(const std::string& name) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (safe) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    }
  }
  return out;
}

}  // namespace

std::filesystem::path group_lock(const std::filesystem::path& dir, const std::string& group,
                                 const std::string& topic) {
  return groups(dir) / (escape(group) + "@" + escape(topic) + ".lock");
}

}  // namespace hexa::log_paths
