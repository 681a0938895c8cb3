#pragma once
// Private to hexa/gateway: who is calling, from the request's Bearer token (RFC 6750), checked
// against the auth service's keys: RS256 only, signature, exp/nbf with a little clock skew,
// issuer and audience. A token seen before under the same key set skips the RSA check (its time
// claims are still checked). Configuration:
//   security.issuer, security.audience, security.clock-skew-s (30)
//   security.jwks.url, or security.jwks.service (auth) whose services.<name>.url is used
//   security.jwks.path (/.well-known/jwks.json), security.jwks.refresh-s (300),
//   security.jwks.refetch-unknown-s (10), security.token-cache-size (10000 tokens; 0: off)
#include <functional>
#include <string>
#include <string_view>

#include "hexa/auth/jwt.hpp"
#include "hexa/auth/token_issuer.hpp"
#include "hexa/config/config.hpp"
#include "hexa/gateway/identity.hpp"
#include "hexa/gateway/jwks_cache.hpp"
#include "hexa/gateway/verified_tokens.hpp"

namespace hexa::gateway {

struct AuthResult {
  enum class Kind {
    Ok,           // `identity` holds the caller
    Missing,      // no Bearer token: 401 without an error code (RFC 6750 3.1)
    Invalid,      // a token we refuse: 401 invalid_token, `why` says what is wrong
    Unavailable,  // the keys could not be fetched: 503, we cannot tell
  };
  Kind kind = Kind::Missing;
  Identity identity;
  std::string why;
};

class Authenticator {
 public:
  // Throws std::runtime_error when issuer, audience or the key set's address is missing.
  Authenticator(const Config& config, http::Client& client, auth::WallClock now = auth::system_wall_clock());

  // `done` runs at once, or on the client's thread after the key set was fetched.
  void authenticate(std::string_view authorization, std::function<void(AuthResult)> done);

 private:
  auth::JwtPolicy policy_;
  JwksCache keys_;
  VerifiedTokens verified_;
  auth::WallClock now_;
};

// The token of "Bearer <token>" (scheme case-insensitive); empty for anything else.
std::string_view bearer_token(std::string_view authorization);

}  // namespace hexa::gateway
