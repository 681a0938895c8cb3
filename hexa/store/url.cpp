#include "hexa/store/url.hpp"

#include <charconv>

#include "hexa/model/errors.hpp"

namespace hexa {

namespace {

void parse_params(std::string_view query, std::map<std::string, std::string>& out) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty()) {
      if (eq == std::string_view::npos) out[std::string(pair)] = "";
      else out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::optional<std::string> ResourceUrl::param(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> ResourceUrl::int_param(const std::string& name) const {
  auto text = param(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc{} || ptr != end)
    throw Invalid("URL parameter '" + name + "' must be an integer, not '" + *text + "'");
  return value;
}

ResourceUrl parse_resource_url(std::string_view url, std::string_view scheme) {
  const std::string prefix = std::string(scheme) + ":";
  if (!url.starts_with(prefix))
    throw Invalid("'" + std::string(url) + "' is not a " + std::string(scheme) + ": URL");
  url.remove_prefix(prefix.size());
  if (url.starts_with("//")) url.remove_prefix(2);  // "sqlite:///abs/path" reads as "/abs/path"
  ResourceUrl out;
  const auto q = url.find('?');
  out.path = std::string(url.substr(0, q));
  if (q != std::string_view::npos) parse_params(url.substr(q + 1), out.params);
  if (out.path.empty()) throw Invalid("'" + std::string(url) + "' names no path");
  return out;
}

}  // namespace hexa
