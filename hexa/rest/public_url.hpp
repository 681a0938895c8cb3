#pragma once
// Where the links a service writes (_links.href, Location) point: never simply where a client
// says. In order:
// 1. `server.public-url` ("https://rental.example"), when configured: links use it.
// 2. X-Forwarded-Proto/-Host/-Port, believed only on a connection from a trusted proxy
//    (`server.trusted-proxies`, addresses, comma-separated): a service trusts loopback, where
//    its gateway is; the gateway trusts nobody unless told. As Spring's
//    forward-headers-strategy with Tomcat's internal proxies.
// 3. The Host header, which the HTTP server has checked (hexa/http/syntax.hpp).
// Every value is checked: the scheme is http or https, the host a host name or address with an
// optional port; anything else is a 400.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/http/message.hpp"

namespace hexa::rest {

class ForwardedHeaders {
 public:
  // Throws std::invalid_argument on a public URL that is not scheme://host[:port].
  ForwardedHeaders(std::optional<std::string> public_url, std::vector<std::string> trusted_proxies);
  // server.public-url and server.trusted-proxies (`default_trusted` when not configured).
  static ForwardedHeaders from(const Config& config, const std::string& default_trusted);

  bool trusts(std::string_view peer_address) const;

  // At the door, before anything reads the request: forwarded headers (X-Forwarded-*,
  // Forwarded) from a peer that is not a trusted proxy are removed; with a public URL,
  // X-Forwarded-Proto/-Host/-Port say it instead. Returns why the request is a 400 when a
  // trusted proxy's forwarded headers are malformed.
  std::optional<std::string> admit(http::Request& req, std::string_view peer_address) const;

  // The client's address: the last one X-Forwarded-For names when the peer is trusted, else
  // the peer's.
  std::string client_address(const http::Request& req, std::string_view peer_address) const;

 private:
  std::optional<std::string> proto_, host_;  // from the public URL
  std::vector<std::string> trusted_;
};

// The absolute URL prefix of links for an admitted request, e.g. "http://localhost:8088".
// Throws hexa::Invalid when Host or a forwarded header is malformed.
std::string public_base_url(const http::Request& req);

}  // namespace hexa::rest
