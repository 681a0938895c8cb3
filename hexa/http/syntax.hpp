#pragma once
// What client bytes must look like before anything builds on them: text is UTF-8 (JSON cannot
// carry anything else, and nlohmann refuses to write it), and a Host is a host name or address
// with an optional port (RFC 9110 7.2), never a URL or a script.
#include <optional>
#include <string>
#include <string_view>

#include "hexa/http/message.hpp"

namespace hexa::http {

// Well-formed UTF-8: no overlong forms, surrogates or code points beyond U+10FFFF.
bool is_valid_utf8(std::string_view text);

// "example.com", "localhost:8088", "10.0.0.1:80", "[::1]:8080"; not "", "a b", "x:", "x:99999",
// "javascript://evil.example" or anything outside ASCII.
bool is_valid_host(std::string_view host);

// "1" to "65535" in digits.
bool is_valid_port(std::string_view port);

// Why a request's Host header makes it a 400 (RFC 9112 3.2: HTTP/1.1 without one, more than
// one, or an invalid value); nullopt when it is fine.
std::optional<std::string> host_header_problem(const Request& req);

}  // namespace hexa::http
