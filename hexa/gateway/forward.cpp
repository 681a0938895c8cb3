#include "hexa/gateway/forward.hpp"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/rest/resource_core.hpp"

namespace hexa::gateway {
namespace {

using Field = http::beast_http::field;
// Not in Beast's table of known fields.
constexpr std::string_view kForwardedFor = "X-Forwarded-For";
constexpr std::string_view kForwardedProto = "X-Forwarded-Proto";
constexpr std::string_view kForwardedHost = "X-Forwarded-Host";
constexpr std::string_view kForwardedPort = "X-Forwarded-Port";

// Headers about one connection, not the message (RFC 9110 7.6.1): never forwarded.
template <class Fields>
void remove_hop_by_hop(Fields& fields) {
  std::vector<std::string> named;  // a Connection header may name more of them
  for (auto it = fields.find(Field::connection); it != fields.end() && it->name() == Field::connection; ++it) {
    std::string_view list = it->value();
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto token = list.substr(0, comma);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      if (!token.empty()) named.emplace_back(token);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  for (const auto& name : named) fields.erase(name);
  for (const Field f : {Field::connection, Field::keep_alive, Field::proxy_connection,
                        Field::proxy_authenticate, Field::proxy_authorization, Field::te,
                        Field::trailer, Field::transfer_encoding, Field::upgrade})
    fields.erase(f);
}

// "host:8088" -> "8088"; "[::1]:8088" -> "8088"; "host" -> "" (the scheme's default).
std::string_view port_of(std::string_view host) {
  const auto colon = host.rfind(':');
  if (colon == std::string_view::npos || host.find(']', colon) != std::string_view::npos) return {};
  return host.substr(colon + 1);
}

void add_forwarded(http::Request& req, const http::Peer& peer, std::uint16_t gateway_port) {
  const auto chain = req[kForwardedFor];
  req.set(kForwardedFor,
          chain.empty() ? peer.address : std::string(chain) + ", " + peer.address);
  // Present only when a trusted proxy in front said them (or the public URL): they describe
  // the client's view better than ours.
  if (req.count(kForwardedProto) == 0) req.set(kForwardedProto, "http");
  if (req.count(kForwardedHost) != 0) return;
  const auto host = req[Field::host];  // checked by the server: a host and an optional port
  if (host.empty()) {
    if (req.count(kForwardedPort) == 0) req.set(kForwardedPort, std::to_string(gateway_port));
    return;
  }
  req.set(kForwardedHost, host);
  if (const auto port = port_of(host); !port.empty()) req.set(kForwardedPort, port);
  else req.erase(kForwardedPort);  // the scheme's default
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

void strip_internal_headers(http::Request& req) {
  req.erase(rest::kDeadlineHeader);
  std::vector<std::string> names;
  for (const auto& field : req)
    if (starts_with_nocase(field.name_string(), "x-auth-") || starts_with_nocase(field.name_string(), "x-hexa-"))
      names.emplace_back(field.name_string());
  for (const auto& name : names) req.erase(name);
}

http::Request upstream_request(http::Request&& req, const http::Peer& peer,
                               std::uint16_t gateway_port) {
  http::Request out = std::move(req);
  remove_hop_by_hop(out);
  add_forwarded(out, peer, gateway_port);
  return out;
}

void downstream_response(http::Response& res) { remove_hop_by_hop(res); }

}  // namespace hexa::gateway
