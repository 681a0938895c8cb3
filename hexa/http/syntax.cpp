#include "hexa/http/syntax.hpp"

#include <algorithm>

namespace hexa::http {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the sequence starting at text[i], or 0 when it is malformed there.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, low = 0xA0;   // no overlong forms
  else if (c == 0xED) n = 3, high = 0x9F;  // no surrogates
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, low = 0x90;
  else if (c == 0xF4) n = 4, high = 0x8F;  // nothing beyond U+10FFFF
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else return 0;
  if (i + n > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!is_continuation(byte(i + k))) return 0;
  return n;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_';
}

bool is_host_name(std::string_view name) {
  return !name.empty() && name.size() <= 253 && name.front() != '.' && name.front() != '-' &&
         std::all_of(name.begin(), name.end(), is_name_char) && name.find("..") == std::string_view::npos;
}

bool is_ip_literal(std::string_view literal) {  // "[...]" of an IPv6 address, loosely
  if (literal.size() < 4 || literal.size() > 47 || literal.front() != '[' || literal.back() != ']') return false;
  const auto inside = literal.substr(1, literal.size() - 2);
  return std::all_of(inside.begin(), inside.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
  });
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool is_valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) return false;
  const auto n = std::stoul(std::string(port));
  return n >= 1 && n <= 65535;
}

bool is_valid_host(std::string_view host) {
  const auto bracket = host.rfind(']');
  const auto colon = host.rfind(':');
  const bool has_port = colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  const auto name = has_port ? host.substr(0, colon) : host;
  if (has_port && !is_valid_port(host.substr(colon + 1))) return false;
  return name.starts_with('[') ? is_ip_literal(name) : is_host_name(name);
}

std::optional<std::string> host_header_problem(const Request& req) {
  const auto count = req.count(beast_http::field::host);
  if (count > 1) return "more than one Host header";
  if (count == 0) {
    if (req.version() >= 11) return std::string("an HTTP/1.1 request needs a Host header");
    return std::nullopt;
  }
  if (!is_valid_host(req[beast_http::field::host]))
    return std::string("the Host header must be a host name or address, with an optional port");
  return std::nullopt;
}

}  // namespace hexa::http
