#pragma once
// JSON Web Tokens (RFC 7519) in the compact JWS form, signed RS256 only. Verification pins the
// algorithm: a token that names another one ("none", HS256 made with the public key as an HMAC
// secret, PS256, ...) is refused before any key is touched.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hexa/auth/jwks.hpp"
#include "hexa/auth/rsa_key.hpp"

namespace hexa::auth {

enum class JwtError {
  None,
  Malformed,    // not three base64url parts of JSON objects, or an extension we do not know
  Algorithm,    // alg is not RS256
  UnknownKey,   // no kid, or no key with that kid
  Signature,    // the signature does not match
  Expired,      // exp (with leeway) has passed, or there is no exp
  NotYetValid,  // nbf (with leeway) is still ahead
  Issuer,       // iss is not the expected one
  Audience,     // aud does not name us
};
// Short words for logs and WWW-Authenticate error_description.
std::string_view describe(JwtError error);

struct JwtHeader {
  std::string alg;
  std::string kid;
};
// The header, read without checking anything else: tells which key a token wants.
std::optional<JwtHeader> peek_header(std::string_view token);

// header.payload.signature with {"alg":"RS256","typ":"at+jwt","kid":kid} (RFC 9068's type).
std::string sign_jwt(const nlohmann::json& claims, const RsaKey& key, std::string_view kid);

struct JwtPolicy {
  std::string issuer;    // iss must equal it
  std::string audience;  // aud (a string or an array) must contain it
  std::chrono::seconds leeway{30};  // clock skew allowed on exp and nbf
};

struct VerifiedJwt {
  JwtError error = JwtError::None;
  nlohmann::json claims;  // the payload, when ok()
  bool ok() const { return error == JwtError::None; }
};

// Checks in this order: shape, alg, key, signature, then the claims (only a verified payload is
// read). `now` is wall-clock time because exp and nbf are.
VerifiedJwt verify_jwt(std::string_view token, const KeySet& keys, const JwtPolicy& policy,
                       std::chrono::system_clock::time_point now);

}  // namespace hexa::auth
