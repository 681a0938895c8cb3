#pragma once
// Private to hexa/gateway: a system's web front end, served from a folder (`web.root`).
// GET/HEAD of "/" is <root>/index.html, "/<file>" a file under the root (never outside it);
// a Content-Type by extension, Cache-Control: no-cache (a rebuilt front end is seen at once),
// 404 for what is not there. The gateway asks it only for paths no route matches, before any
// token check: the login form must load for a caller who has no token yet.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hexa/config/config.hpp"
#include "hexa/http/message.hpp"

namespace hexa::gateway {

class StaticFiles {
 public:
  // Reads web.root (WEB_ROOT); no root, or a root that is not a folder: serves nothing.
  explicit StaticFiles(const Config& config);
  explicit StaticFiles(std::optional<std::filesystem::path> root);

  bool enabled() const { return root_.has_value(); }
  // The answer to `req` (path without query) when it is a GET or HEAD and a root is set;
  // nothing otherwise, so the request goes on as before.
  std::optional<http::Response> serve(const http::Request& req, std::string_view path) const;

  static std::string_view content_type(const std::filesystem::path& file);

 private:
  std::optional<std::filesystem::path> file_for(std::string_view path) const;
  std::optional<std::filesystem::path> root_;  // canonical
};

}  // namespace hexa::gateway
