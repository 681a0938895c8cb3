#pragma once
// Signs access tokens: RS256 JWTs that say who the holder is, for whom the token is meant and
// until when (RFC 9068's claims, plus "roles").
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "hexa/auth/accounts.hpp"
#include "hexa/auth/jwks.hpp"
#include "hexa/auth/rsa_key.hpp"

namespace hexa::auth {

using WallClock = std::function<std::chrono::system_clock::time_point()>;
WallClock system_wall_clock();

struct IssuerSettings {
  std::string issuer;    // iss
  std::string audience;  // aud
  std::chrono::seconds ttl{900};
};

struct AccessToken {
  std::string token;
  std::int64_t expires_in = 0;  // seconds
};

class TokenIssuer {
 public:
  // `key` must be private. Its kid is its RFC 7638 thumbprint, so it changes with the key.
  TokenIssuer(RsaKey key, IssuerSettings settings, WallClock now = system_wall_clock());

  AccessToken issue(const Principal& who) const;
  const std::string& kid() const { return kid_; }
  const KeySet& public_keys() const { return public_keys_; }

 private:
  RsaKey key_;
  IssuerSettings settings_;
  WallClock now_;
  std::string kid_;
  KeySet public_keys_;
};

}  // namespace hexa::auth
