#include "hexa/auth/token_issuer.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "hexa/auth/jwt.hpp"
#include "hexa/auth/openssl.hpp"

namespace hexa::auth {

WallClock system_wall_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

TokenIssuer::TokenIssuer(RsaKey key, IssuerSettings settings, WallClock now)
    : key_(std::move(key)), settings_(std::move(settings)), now_(std::move(now)), kid_(key_.thumbprint()) {
  if (!key_.is_private()) throw std::invalid_argument("auth: the signing key must be a private key");
  if (settings_.ttl.count() <= 0) throw std::invalid_argument("auth: token ttl must be positive");
  public_keys_.add(kid_, RsaKey::from_jwk(key_.modulus(), key_.exponent()));  // public part only
}

AccessToken TokenIssuer::issue(const Principal& who) const {
  const auto issued = std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count();
  nlohmann::json claims = {
      {"iss", settings_.issuer},
      {"sub", who.subject},
      {"aud", settings_.audience},
      {"iat", issued},
      {"nbf", issued},
      {"exp", issued + settings_.ttl.count()},
      {"jti", ossl::hex(ossl::random_bytes(16))},
      {"roles", who.roles},
  };
  if (!who.client_id.empty()) claims["client_id"] = who.client_id;
  return {sign_jwt(claims, key_, kid_), settings_.ttl.count()};
}

}  // namespace hexa::auth
