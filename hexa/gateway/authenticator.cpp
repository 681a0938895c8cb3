#include "hexa/gateway/authenticator.hpp"

#include <cctype>
#include <stdexcept>

#include "hexa/gateway/list.hpp"

namespace hexa::gateway {
namespace {

std::string required(const Config& config, const std::string& key) {
  const auto value = config.get(key, "");
  if (value.empty()) throw std::runtime_error("gateway: security is enabled but " + key + " is not set");
  return value;
}

// "http://host:port/path" -> "/path" ("" when there is none).
std::string path_of_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? std::string() : url.substr(slash);
}

// security.jwks.url, else the first instance of security.jwks.service.
JwksOptions jwks_options(const Config& config) {
  JwksOptions o;
  std::string url = config.get("security.jwks.url", "");
  if (url.empty()) {
    const auto service = config.get("security.jwks.service", "auth");
    const auto instances = split_list(config.get("services." + service + ".url", ""));
    if (instances.empty())
      throw std::runtime_error("gateway: security needs security.jwks.url or services." + service + ".url");
    url = instances.front();
    o.path = config.get("security.jwks.path", o.path);
  } else if (const auto path = path_of_url(url); !path.empty()) {
    o.path = path;
  }
  try {
    o.endpoint = http::Endpoint::parse(url);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("gateway: key set address: ") + e.what());
  }
  o.refresh_after = std::chrono::seconds(config.get_int("security.jwks.refresh-s", 300));
  o.refetch_unknown_after = std::chrono::seconds(config.get_int("security.jwks.refetch-unknown-s", 10));
  return o;
}

}  // namespace

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  auto token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

Authenticator::Authenticator(const Config& config, http::Client& client, auth::WallClock now)
    : policy_{required(config, "security.issuer"), required(config, "security.audience"),
              std::chrono::seconds(config.get_int("security.clock-skew-s", 30))},
      keys_(client, jwks_options(config)),
      verified_(static_cast<std::size_t>(config.get_int("security.token-cache-size", 10'000))),
      now_(std::move(now)) {}

void Authenticator::authenticate(std::string_view authorization, std::function<void(AuthResult)> done) {
  const auto token = bearer_token(authorization);
  if (token.empty()) return done({AuthResult::Kind::Missing, {}, {}});
  // The common case: the caller's token, verified on an earlier request under today's keys.
  if (auto known = verified_.find(token, keys_.current(), now_(), policy_.leeway))
    return done({AuthResult::Kind::Ok, std::move(*known), {}});
  const auto header = auth::peek_header(token);
  // Refused before any key is looked up: a made-up token costs no fetch.
  if (!header) return done({AuthResult::Kind::Invalid, {}, std::string(describe(auth::JwtError::Malformed))});
  if (header->alg != "RS256")
    return done({AuthResult::Kind::Invalid, {}, std::string(describe(auth::JwtError::Algorithm))});
  keys_.with_keys(header->kid, [this, token = std::string(token), done = std::move(done)](JwksCache::Keys keys) {
    if (!keys) return done({AuthResult::Kind::Unavailable, {}, "the signing keys cannot be fetched"});
    auto verified = auth::verify_jwt(token, *keys, policy_, now_());
    if (!verified.ok()) return done({AuthResult::Kind::Invalid, {}, std::string(describe(verified.error))});
    verified_.remember(token, keys, verified.claims);
    done({AuthResult::Kind::Ok, Identity::from_claims(verified.claims), {}});
  });
}

}  // namespace hexa::gateway
