#include "hexa/client/remote_uses.hpp"

namespace hexa {
namespace {
// Written only while static initializers run (one thread), read after main() starts.
std::map<std::string, std::set<std::string>>& uses() {
  static std::map<std::string, std::set<std::string>> noted;
  return noted;
}
}  // namespace

const char* remote_use_name(RemoteUse u) {
  switch (u) {
    case RemoteUse::create: return "create";
    case RemoteUse::find: return "find";
    case RemoteUse::command: return "command";
  }
  return "call";
}

const std::map<std::string, std::set<std::string>>& remote_uses() { return uses(); }

namespace detail {
bool note_remote_use(const char* model, RemoteUse u) {
  uses()[model].insert(remote_use_name(u));
  return true;
}
}  // namespace detail

}  // namespace hexa
