#pragma once
// Private to hexa/gateway: who may call what, from the gateway's `security` configuration:
//   security.open-paths: [/oauth/**, /.well-known/**]      no token needed
//   security.rules:
//     - {paths: [/pays/**], methods: [GET], roles: [MANAGER]}
// The first rule whose paths and methods match decides; a rule without methods matches every
// method; HEAD is checked as GET; roles ["*"] means any authenticated caller. A request no rule
// matches is refused: what is not allowed is forbidden.
//   security.owner-bypass-roles: [MANAGER]
// A caller holding none of these roles sees only what it owns: services whose rows have an
// owner serve it only its own (hexa/rest/ownership.hpp). Unset: every caller is limited so.
#include <string>
#include <string_view>
#include <vector>

#include "hexa/config/config.hpp"

namespace hexa::gateway {

struct AccessRule {
  std::vector<std::string> paths;    // patterns as routes use them ("/contracts/**")
  std::vector<std::string> methods;  // upper case; empty: all
  std::vector<std::string> roles;    // any of them; "*": any authenticated caller
  bool covers(std::string_view method, std::string_view path) const;
  bool admits(const std::vector<std::string>& roles) const;
};

class AccessRules {
 public:
  // Throws std::runtime_error on a rule without paths or roles.
  explicit AccessRules(const Config& config);
  AccessRules(std::vector<std::string> open_paths, std::vector<AccessRule> rules,
              std::vector<std::string> owner_bypass_roles = {});

  bool is_open(std::string_view path) const;
  bool allows(std::string_view method, std::string_view path, const std::vector<std::string>& roles) const;
  bool sees_all(const std::vector<std::string>& roles) const;  // not limited to what it owns

 private:
  std::vector<std::string> open_paths_;
  std::vector<AccessRule> rules_;
  std::vector<std::string> owner_bypass_roles_;
};

// True for paths with "." or ".." segments or an encoded slash or dot, which a service might
// read differently from the rules: refused before any rule is asked.
bool ambiguous_path(std::string_view path);

}  // namespace hexa::gateway
