#pragma once
// POST /oauth/token (RFC 6749): grant_type=password (a user, optionally through a named client)
// and grant_type=client_credentials (a confidential client, authenticated by HTTP Basic or by
// client_id/client_secret in the form). Errors answer in RFC 6749 5.2's shape:
//   400 {"error":"invalid_request"|"invalid_grant"|"unauthorized_client"|"unsupported_grant_type"}
//   401 {"error":"invalid_client"} with WWW-Authenticate: Basic
// Checking a password costs PBKDF2's time: call it on a worker thread, never an I/O thread.
#include "hexa/auth/accounts.hpp"
#include "hexa/auth/token_issuer.hpp"
#include "hexa/http/message.hpp"

namespace hexa::auth {

http::Response token_endpoint(const http::Request& req, const Accounts& accounts,
                              const TokenIssuer& issuer);

}  // namespace hexa::auth
