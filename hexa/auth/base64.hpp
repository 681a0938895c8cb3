#pragma once
// Base64 (RFC 4648): the URL-safe form without padding that JOSE uses (JWT parts, JWK numbers,
// password hashes), and the standard form of HTTP Basic credentials.
#include <optional>
#include <string>
#include <string_view>

namespace hexa::auth {

std::string base64url_encode(std::string_view bytes);
// Strict, because a token must have exactly one spelling: only [A-Za-z0-9-_], no padding, no
// spaces, and unused trailing bits zero. nullopt for anything else.
std::optional<std::string> base64url_decode(std::string_view text);
// Standard alphabet with '=' padding (HTTP Basic); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hexa::auth
