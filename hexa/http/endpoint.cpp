#include <charconv>
#include <stdexcept>
#include <string_view>

#include "hexa/http/client.hpp"

namespace hexa::http {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::uint16_t parse_port(std::string_view text, const std::string& url) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value > 65535)
    throw std::invalid_argument("bad port in address '" + url + "'");
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Endpoint Endpoint::parse(const std::string& url) {
  std::string_view rest = trim(url);
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  else if (rest.find("://") != std::string_view::npos)
    throw std::invalid_argument("only http:// addresses are supported: '" + url + "'");
  rest = rest.substr(0, rest.find('/'));  // a trailing path is not part of the endpoint

  Endpoint e;
  std::string_view host = rest, port;
  if (rest.starts_with('[')) {  // [::1]:8080
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("bad address '" + url + "'");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!host.empty()) e.host = std::string(host);  // ":8082" means this machine, as in HTTPie
  e.port = port.empty() ? 80 : parse_port(port, url);
  return e;
}

std::string Endpoint::str() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace hexa::http
