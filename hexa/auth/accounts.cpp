#include "hexa/auth/accounts.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "hexa/auth/password.hpp"

namespace hexa::auth {
namespace {

// Config lists arrive as "a, b,c" (see Config's flattening).
std::vector<std::string> list_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string hash_at(const Config& config, const std::string& key, bool required) {
  const auto value = config.get(key, "");
  if (value.empty() && !required) return value;
  if (!is_password_hash(value))
    throw std::runtime_error("auth: " + key +
                             " must be a pbkdf2-sha256 hash (make one with `hexa-auth hash-password`)");
  return value;
}

}  // namespace

bool ClientAccount::may_use(std::string_view grant) const {
  return std::ranges::find(grants, grant) != grants.end();
}

Accounts::Accounts(const Config& config) {
  for (const auto& name : config.children("users")) {
    const std::string base = "users." + name;
    users_.push_back({name, hash_at(config, base + ".password", true), list_of(config.get(base + ".roles", ""))});
  }
  for (const auto& id : config.children("clients")) {
    const std::string base = "clients." + id;
    ClientAccount c{id, hash_at(config, base + ".secret", false), list_of(config.get(base + ".roles", "")),
                    list_of(config.get(base + ".grants", "client_credentials"))};
    if (c.secret_hash.empty() && c.may_use("client_credentials"))
      throw std::runtime_error("auth: client " + id + " uses client_credentials and needs a secret");
    clients_.push_back(std::move(c));
  }
  // Same cost as the users' hashes, so an unknown name takes as long as a known one.
  const auto cost = users_.empty() ? std::nullopt : hash_iterations(users_.front().password_hash);
  decoy_hash_ = hash_password("decoy", cost.value_or(kDefaultIterations));
}

std::optional<Principal> Accounts::user(std::string_view name, std::string_view password) const {
  const auto it = std::ranges::find(users_, name, &User::name);
  if (it == users_.end()) {
    (void)verify_password(password, decoy_hash_);
    return std::nullopt;
  }
  if (!verify_password(password, it->password_hash)) return std::nullopt;
  return Principal{it->name, it->roles, {}};
}

const ClientAccount* Accounts::client(std::string_view id) const {
  const auto it = std::ranges::find(clients_, id, &ClientAccount::id);
  return it == clients_.end() ? nullptr : &*it;
}

bool Accounts::client_secret_matches(const ClientAccount& client, std::string_view secret) const {
  return !client.secret_hash.empty() && verify_password(secret, client.secret_hash);
}

}  // namespace hexa::auth
