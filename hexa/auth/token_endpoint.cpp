#include "hexa/auth/token_endpoint.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hexa/auth/base64.hpp"
#include "hexa/runtime/router.hpp"

namespace hexa::auth {
namespace {

using Field = http::beast_http::field;
using Form = std::map<std::string, std::string, std::less<>>;

struct OAuthError {
  http::Status status;
  std::string code;
  std::string description;
};

OAuthError bad_request(std::string code, std::string description) {
  return {http::Status::bad_request, std::move(code), std::move(description)};
}
OAuthError bad_client(std::string description) {
  return {http::Status::unauthorized, "invalid_client", std::move(description)};
}

// Tokens and errors alike must not be cached (RFC 6749 5.1).
http::Response json_answer(const http::Request& req, http::Status status, const nlohmann::json& body) {
  auto res = http::json_response(req, status, body.dump());
  res.set(Field::cache_control, "no-store");
  res.set(Field::pragma, "no-cache");
  return res;
}

http::Response error_answer(const http::Request& req, const OAuthError& e) {
  return oauth_error(req, e.status, e.code, e.description);
}

// application/x-www-form-urlencoded; a repeated parameter is an error (RFC 6749 3.2).
std::optional<Form> parse_form(std::string_view body) {
  Form form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    auto name = url_decode(pair.substr(0, eq));
    auto value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (!name.empty() && !form.emplace(std::move(name), std::move(value)).second) return std::nullopt;
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
  }
  return form;
}

std::string_view param(const Form& form, std::string_view name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string_view{} : std::string_view(it->second);
}

struct ClientCredentials {
  std::string id;
  std::string secret;
  bool given = false;
};

// HTTP Basic (client id and secret form-encoded first, RFC 6749 2.3.1) or the form's
// client_id/client_secret; using both at once is an error.
std::variant<ClientCredentials, OAuthError> client_credentials(const http::Request& req, const Form& form) {
  ClientCredentials c;
  const auto auth = req[Field::authorization];
  if (auth.size() > 6 && (auth.starts_with("Basic ") || auth.starts_with("basic "))) {
    const auto decoded = base64_decode(auth.substr(6));
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return bad_client("malformed Basic credentials");
    c = {url_decode(decoded->substr(0, colon)), url_decode(decoded->substr(colon + 1)), true};
  }
  if (form.contains("client_id") || form.contains("client_secret")) {
    if (c.given) return bad_request("invalid_request", "client credentials given twice");
    c = {std::string(param(form, "client_id")), std::string(param(form, "client_secret")), true};
  }
  return c;
}

// The client that asked, checked; null when it did not say who it is.
std::variant<const ClientAccount*, OAuthError> authenticate_client(const ClientCredentials& given,
                                                                   const Accounts& accounts) {
  if (!given.given) return static_cast<const ClientAccount*>(nullptr);
  const ClientAccount* client = accounts.client(given.id);
  if (!client) return bad_client("unknown client");
  const bool public_client = client->secret_hash.empty();
  if (public_client ? !given.secret.empty() : !accounts.client_secret_matches(*client, given.secret))
    return bad_client("client authentication failed");
  return client;
}

std::variant<Principal, OAuthError> password_grant(const Form& form, const ClientAccount* client,
                                                   const Accounts& accounts) {
  if (client && !client->may_use("password"))
    return bad_request("unauthorized_client", "this client may not use the password grant");
  const auto username = param(form, "username");
  const auto password = param(form, "password");
  if (username.empty() || password.empty())
    return bad_request("invalid_request", "username and password are required");
  auto user = accounts.user(username, password);
  if (!user) return bad_request("invalid_grant", "the user name or password is wrong");
  if (client) user->client_id = client->id;
  return std::move(*user);
}

std::variant<Principal, OAuthError> client_credentials_grant(const ClientAccount* client) {
  if (!client) return bad_client("client_credentials needs client authentication");
  if (client->secret_hash.empty() || !client->may_use("client_credentials"))
    return bad_request("unauthorized_client", "this client may not use client_credentials");
  return Principal{client->id, client->roles, client->id};
}

std::variant<Principal, OAuthError> grant(const http::Request& req, const Accounts& accounts) {
  std::string type(req[Field::content_type]);
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!type.starts_with("application/x-www-form-urlencoded"))
    return bad_request("invalid_request", "the body must be application/x-www-form-urlencoded");
  const auto form = parse_form(req.body());
  if (!form) return bad_request("invalid_request", "a parameter is repeated");
  const auto given = client_credentials(req, *form);
  if (const auto* error = std::get_if<OAuthError>(&given)) return *error;
  const auto client = authenticate_client(std::get<ClientCredentials>(given), accounts);
  if (const auto* error = std::get_if<OAuthError>(&client)) return *error;
  const auto grant_type = param(*form, "grant_type");
  const auto* account = std::get<const ClientAccount*>(client);
  if (grant_type == "password") return password_grant(*form, account, accounts);
  if (grant_type == "client_credentials") return client_credentials_grant(account);
  if (grant_type.empty()) return bad_request("invalid_request", "grant_type is required");
  return bad_request("unsupported_grant_type", "grant_type must be password or client_credentials");
}

}  // namespace

TokenAnswer token_endpoint(const http::Request& req, const Accounts& accounts, const TokenIssuer& issuer) {
  const auto outcome = grant(req, accounts);
  if (const auto* error = std::get_if<OAuthError>(&outcome))
    return {error_answer(req, *error), error->code == "invalid_grant" || error->code == "invalid_client"};
  const auto token = issuer.issue(std::get<Principal>(outcome));
  return {json_answer(req, http::Status::ok,
                      {{"access_token", token.token}, {"token_type", "Bearer"}, {"expires_in", token.expires_in}})};
}

std::string account_of(const http::Request& req) {
  const auto form = parse_form(req.body());
  if (!form) return {};
  if (const auto user = param(*form, "username"); param(*form, "grant_type") == "password" && !user.empty())
    return std::string(user);
  const auto client = client_credentials(req, *form);
  const auto* given = std::get_if<ClientCredentials>(&client);
  return given ? given->id : std::string();
}

http::Response oauth_error(const http::Request& req, http::Status status, const std::string& code,
                           const std::string& description) {
  auto res = json_answer(req, status, {{"error", code}, {"error_description", description}});
  if (status == http::Status::unauthorized) res.set(Field::www_authenticate, R"(Basic realm="oauth")");
  return res;
}

}  // namespace hexa::auth
