#pragma once
// POST /oauth/token (RFC 6749): grant_type=password (a user, optionally through a named client)
// and grant_type=client_credentials (a confidential client, authenticated by HTTP Basic or by
// client_id/client_secret in the form). Errors answer in RFC 6749 5.2's shape:
//   400 {"error":"invalid_request"|"invalid_grant"|"unauthorized_client"|"unsupported_grant_type"}
//   401 {"error":"invalid_client"} with WWW-Authenticate: Basic
// Checking a password costs PBKDF2's time: call it on a worker thread, never an I/O thread.
#include <string>

#include "hexa/auth/accounts.hpp"
#include "hexa/auth/token_issuer.hpp"
#include "hexa/http/message.hpp"

namespace hexa::auth {

struct TokenAnswer {
  http::Response response;
  bool wrong_credentials = false;  // a failed login (invalid_grant, invalid_client)
};
TokenAnswer token_endpoint(const http::Request& req, const Accounts& accounts, const TokenIssuer& issuer);

// Whose credentials a token request offers, cheaply, before any is checked: the user name of
// a password grant, else the client's id; empty when it names none.
std::string account_of(const http::Request& req);

// An answer in RFC 6749 5.2's shape, never cached.
http::Response oauth_error(const http::Request& req, http::Status status, const std::string& code,
                           const std::string& description);

}  // namespace hexa::auth
