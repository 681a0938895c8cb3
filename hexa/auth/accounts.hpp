#pragma once
// Who may ask for tokens: users (password grant) and clients (client_credentials, or naming
// themselves in a password grant), with their roles, from the auth service's configuration.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/config/config.hpp"

namespace hexa::auth {

// What a token says about its holder.
struct Principal {
  std::string subject;             // the user's name, or the client's id for client_credentials
  std::vector<std::string> roles;  // "CUSTOMER", "MANAGER", ...
  std::string client_id;           // the client that asked, when it said
};

struct ClientAccount {
  std::string id;
  std::string secret_hash;  // empty: a public client (a browser app), which has no secret
  std::vector<std::string> roles;
  std::vector<std::string> grants;  // grant types it may use
  bool may_use(std::string_view grant) const;
};

class Accounts {
 public:
  // users.<name>.{password, roles} and clients.<id>.{secret, roles, grants}. Passwords and
  // secrets must be hashes (see password.hpp): throws std::runtime_error naming the account
  // when one is written in clear.
  explicit Accounts(const Config& config);

  // The user, when the password matches. An unknown name costs as much time as a wrong
  // password, so answers do not tell which names exist.
  std::optional<Principal> user(std::string_view name, std::string_view password) const;
  const ClientAccount* client(std::string_view id) const;  // null when unknown
  // True when the client is confidential and `secret` is its secret.
  bool client_secret_matches(const ClientAccount& client, std::string_view secret) const;

 private:
  struct User {
    std::string name;
    std::string password_hash;
    std::vector<std::string> roles;
  };
  std::vector<User> users_;
  std::vector<ClientAccount> clients_;
  std::string decoy_hash_;  // verified against when the name is unknown
};

}  // namespace hexa::auth
