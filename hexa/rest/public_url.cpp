#include "hexa/rest/public_url.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "hexa/http/syntax.hpp"
#include "hexa/model/errors.hpp"

namespace hexa::rest {
namespace {

constexpr std::string_view kProto = "X-Forwarded-Proto";
constexpr std::string_view kHost = "X-Forwarded-Host";
constexpr std::string_view kPort = "X-Forwarded-Port";
constexpr std::string_view kFor = "X-Forwarded-For";

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (auto item = trimmed(list.substr(0, comma)); !item.empty()) out.push_back(std::move(item));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

// A proxy chain may list several values ("https, http"): the first is the client's view.
std::string first_of(const http::Request& req, std::string_view name) {
  const auto it = req.find(name);
  if (it == req.end()) return {};
  const auto all = split(it->value());
  return all.empty() ? std::string() : all.front();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "host:8088" and "[::1]:8088" name a port; "host" and "[::1]" do not.
bool names_port(std::string_view host) {
  const auto colon = host.rfind(':');
  return colon != std::string_view::npos && (host.front() != '[' || colon > host.rfind(']'));
}

std::optional<std::string> forwarded_problem(const http::Request& req) {
  if (const auto p = lower(first_of(req, kProto)); !p.empty() && p != "http" && p != "https")
    return "X-Forwarded-Proto must be http or https";
  if (const auto h = first_of(req, kHost); !h.empty() && !http::is_valid_host(h))
    return "X-Forwarded-Host must be a host name or address, with an optional port";
  if (const auto p = first_of(req, kPort); !p.empty() && !http::is_valid_port(p)) return "X-Forwarded-Port must be a port";
  return std::nullopt;
}

bool is_forwarded_header(std::string_view name) {
  return name.size() >= 12 && lower(std::string(name.substr(0, 12))) == "x-forwarded-";
}

// IPv4 peers of a dual-stack socket appear as "::ffff:127.0.0.1".
std::string_view plain_address(std::string_view address) {
  if (address.starts_with("::ffff:") && address.find('.') != std::string_view::npos) address.remove_prefix(7);
  return address;
}

}  // namespace

ForwardedHeaders::ForwardedHeaders(std::optional<std::string> public_url, std::vector<std::string> trusted_proxies)
    : trusted_(std::move(trusted_proxies)) {
  if (!public_url || public_url->empty()) return;
  std::string url = *public_url;
  while (url.ends_with('/')) url.pop_back();
  const auto sep = url.find("://");
  const auto scheme = lower(url.substr(0, sep));
  const auto host = sep == std::string::npos ? std::string() : url.substr(sep + 3);
  if ((scheme != "http" && scheme != "https") || !http::is_valid_host(host))
    throw std::invalid_argument("server.public-url must be http(s)://host[:port], got '" + *public_url + "'");
  proto_ = scheme;
  host_ = host;
}

ForwardedHeaders ForwardedHeaders::from(const Config& config, const std::string& default_trusted) {
  return ForwardedHeaders(config.find("server.public-url"),
                          split(config.get("server.trusted-proxies", default_trusted)));
}

bool ForwardedHeaders::trusts(std::string_view peer_address) const {
  const auto peer = plain_address(peer_address);
  return std::find(trusted_.begin(), trusted_.end(), peer) != trusted_.end();
}

std::optional<std::string> ForwardedHeaders::admit(http::Request& req, std::string_view peer_address) const {
  const bool trusted = trusts(peer_address);
  if (!trusted) {
    std::vector<std::string> names;
    for (const auto& field : req)
      if (is_forwarded_header(field.name_string()) || field.name() == http::beast_http::field::forwarded)
        names.emplace_back(field.name_string());
    for (const auto& name : names) req.erase(name);
  }
  if (host_) {
    req.set(kProto, *proto_);
    req.set(kHost, *host_);
    req.erase(kPort);  // the public URL says it, or means the scheme's default
    return std::nullopt;
  }
  return trusted ? forwarded_problem(req) : std::nullopt;
}

std::string ForwardedHeaders::client_address(const http::Request& req, std::string_view peer_address) const {
  if (trusts(peer_address))
    if (const auto it = req.find(kFor); it != req.end())
      if (const auto chain = split(it->value()); !chain.empty()) return chain.back();
  return std::string(plain_address(peer_address));
}

std::string public_base_url(const http::Request& req) {
  if (const auto problem = forwarded_problem(req)) throw Invalid(*problem);
  std::string proto = lower(first_of(req, kProto));
  if (proto.empty()) proto = "http";
  std::string host = first_of(req, kHost);
  if (host.empty()) host = std::string(req[http::beast_http::field::host]);
  if (host.empty()) host = "localhost";  // HTTP/1.0 without Host
  if (!http::is_valid_host(host)) throw Invalid("the Host header must be a host name or address, with an optional port");
  const auto port = first_of(req, kPort);
  const bool default_port = (proto == "http" && port == "80") || (proto == "https" && port == "443");
  if (!port.empty() && !names_port(host) && !default_port) host += ":" + port;
  return proto + "://" + host;
}

}  // namespace hexa::rest
