#include "hexa/runtime/router.hpp"

namespace hexa {

std::string_view Router::path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::vector<std::string> Router::split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') { ++i; continue; }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::add(http::Verb verb, std::string_view pattern, RouteHandler handler, Blocking blocking) {
  routes_.push_back({verb, split_path(pattern), std::move(handler), blocking});
}

void Router::add_stream(http::Verb verb, std::string_view pattern, StreamRouteHandler stream, RouteHandler whole) {
  routes_.push_back({verb, split_path(pattern), std::move(whole), Blocking::No, std::move(stream)});
}

namespace {
bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             PathParams& params) {
  if (pattern.size() != path.size()) return false;
  PathParams found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') found[p.substr(1, p.size() - 2)] = url_decode(path[i]);
    else if (p != path[i]) return false;
  }
  params = std::move(found);
  return true;
}
}  // namespace

Router::Match Router::match(http::Verb verb, std::string_view target) const {
  const auto path = split_path(path_of(target));
  Match m;
  // Literal routes win over captures: "/x/search" before "/x/{id}".
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& r : routes_) {
      bool literal = true;
      for (const auto& s : r.segments) literal = literal && !(s.size() > 2 && s.front() == '{');
      if ((pass == 0) != literal) continue;
      PathParams params;
      if (!matches(r.segments, path, params)) continue;
      if (r.verb == verb) {
        m.route = &r;
        m.params = std::move(params);
        return m;
      }
      m.path_known = true;
    }
    if (m.path_known) return m;
  }
  return m;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else out += s[i];
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view target) {
  std::map<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    std::string key = url_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
    if (!key.empty()) {
      auto [it, inserted] = out.emplace(key, value);
      if (!inserted) it->second += "\n" + value;  // repeated keys (sort=a&sort=b), newline-joined
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

}  // namespace hexa
