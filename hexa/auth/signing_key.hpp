#pragma once
// Where the auth service's signing key comes from, in this order:
//   keys.private-key-pem   the PEM itself (KEYS_PRIVATE_KEY_PEM, e.g. from a secret store)
//   keys.private-key-file  a PEM file
//   <data.dir>/keys/signing-key.pem, generated (RSA 2048, mode 0600) at first start and kept,
//   so tokens stay valid across restarts and replicas started together share one key.
#include "hexa/auth/rsa_key.hpp"
#include "hexa/config/config.hpp"

namespace hexa::auth {

// Throws std::runtime_error when a configured key cannot be read or is not a private RSA key.
RsaKey load_signing_key(const Config& config);

}  // namespace hexa::auth
