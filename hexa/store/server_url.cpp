#include "hexa/store/server_url.hpp"

#include <charconv>

#include "hexa/model/errors.hpp"

namespace hexa {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::int64_t to_integer(std::string_view text, const std::string& what) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty())
    throw Invalid(what + " must be an integer, not '" + std::string(text) + "'");
  return value;
}

void parse_user(std::string_view user_info, ServerUrl& out) {
  const auto colon = user_info.find(':');
  out.user = decode(user_info.substr(0, colon));
  if (colon != std::string_view::npos) out.password = decode(user_info.substr(colon + 1));
}

void parse_host(std::string_view host_port, ServerUrl& out) {
  // "[::1]:5432" keeps its brackets out of the host; "host:port" splits at the last colon.
  std::string_view host = host_port, port;
  if (host_port.starts_with('[')) {
    const auto close = host_port.find(']');
    host = host_port.substr(1, close == std::string_view::npos ? close : close - 1);
    if (close != std::string_view::npos && close + 1 < host_port.size() && host_port[close + 1] == ':')
      port = host_port.substr(close + 2);
  } else if (const auto colon = host_port.rfind(':'); colon != std::string_view::npos) {
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
  }
  if (!host.empty()) out.host = decode(host);
  if (port.empty()) return;
  const auto number = to_integer(port, "the port");
  if (number < 1 || number > 65535) throw Invalid("port out of range: " + std::string(port));
  out.port = static_cast<std::uint16_t>(number);
}

void parse_query(std::string_view query, ServerUrl& out) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (const auto eq = pair.find('='); !pair.empty())
      out.params[decode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::optional<std::string> ServerUrl::take(const std::string& name) {
  const auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  auto value = std::move(it->second);
  params.erase(it);
  return value;
}

std::optional<std::int64_t> ServerUrl::take_int(const std::string& name, std::int64_t min,
                                                std::int64_t max) {
  const auto text = take(name);
  if (!text) return std::nullopt;
  const auto value = to_integer(*text, "URL parameter '" + name + "'");
  if (value < min || value > max)
    throw Invalid("URL parameter '" + name + "' must be between " + std::to_string(min) +
                  " and " + std::to_string(max));
  return value;
}

ServerUrl parse_server_url(std::string_view url, std::string_view scheme) {
  const std::string prefix = std::string(scheme) + "://";
  if (!url.starts_with(prefix))
    throw Invalid("'" + std::string(url) + "' is not a " + prefix + " URL");
  std::string_view rest = url.substr(prefix.size());
  ServerUrl out;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    parse_query(rest.substr(q + 1), out);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size())
    throw Invalid("'" + std::string(url) + "' names no database (" + prefix + "host/database)");
  out.database = decode(rest.substr(slash + 1));
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    parse_user(authority.substr(0, at), out);
    authority.remove_prefix(at + 1);
  }
  parse_host(authority, out);
  return out;
}

}  // namespace hexa
