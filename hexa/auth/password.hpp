#pragma once
// Password and client-secret hashes: PBKDF2-HMAC-SHA256 (OpenSSL) with a random salt, written
// as "pbkdf2-sha256$<iterations>$<salt>$<hash>" (base64url), so configuration never holds a
// secret in clear and the cost can be raised later without invalidating old hashes.
#include <optional>
#include <string>
#include <string_view>

namespace hexa::auth {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
inline constexpr unsigned kDefaultIterations = 600'000;

std::string hash_password(std::string_view password, unsigned iterations = kDefaultIterations);
// True when `encoded` is a hash in the form above with a sane cost (a config typo must not
// make every login take minutes, nor a cost so low that it protects nothing).
bool is_password_hash(std::string_view encoded);
// The cost written in a hash; nullopt when it is not one.
std::optional<unsigned> hash_iterations(std::string_view encoded);
// Constant-time comparison; false for a malformed hash.
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace hexa::auth
