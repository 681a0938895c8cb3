#include "hexa/gateway/static_files.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <spdlog/spdlog.h>
#include <system_error>

namespace hexa::gateway {
namespace {

namespace fs = std::filesystem;
using Field = http::beast_http::field;

std::optional<fs::path> folder(const std::optional<fs::path>& root) {
  if (!root || root->empty()) return std::nullopt;
  std::error_code ec;
  const auto canonical = fs::canonical(*root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    spdlog::info("gateway: web.root {} is not a folder: no front end served", root->string());
    return std::nullopt;
  }
  return canonical;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%2e%2E" spells ".." too: decoded before the path is judged. Nothing on a malformed escape.
std::optional<std::string> percent_decoded(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out += path[i];
      continue;
    }
    if (i + 2 >= path.size() || hex_value(path[i + 1]) < 0 || hex_value(path[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
    i += 2;
  }
  return out;
}

// Only plain names: no "..", ".", empty segment, backslash or NUL anywhere.
bool plain_relative(std::string_view relative) {
  if (relative.find('\\') != std::string_view::npos || relative.find('\0') != std::string_view::npos) return false;
  while (!relative.empty()) {
    const auto slash = relative.find('/');
    const auto segment = relative.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    relative = slash == std::string_view::npos ? std::string_view{} : relative.substr(slash + 1);
  }
  return true;
}

std::optional<std::string> read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

StaticFiles::StaticFiles(const Config& config) : StaticFiles(config.find("web.root")) {}

StaticFiles::StaticFiles(std::optional<fs::path> root) : root_(folder(root)) {}

std::string_view StaticFiles::content_type(const fs::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html;charset=UTF-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript;charset=UTF-8";
  if (ext == ".css") return "text/css;charset=UTF-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json" || ext == ".map") return "application/json;charset=UTF-8";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain;charset=UTF-8";
  return "application/octet-stream";
}

std::optional<fs::path> StaticFiles::file_for(std::string_view path) const {
  const auto decoded = percent_decoded(path);
  if (!decoded || !decoded->starts_with('/')) return std::nullopt;
  const std::string relative = *decoded == "/" ? "index.html" : decoded->substr(1);
  if (!plain_relative(relative)) return std::nullopt;
  // A symbolic link inside the root may not lead out of it either.
  std::error_code ec;
  const auto file = fs::canonical(*root_ / relative, ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  const auto [end, _] = std::mismatch(root_->begin(), root_->end(), file.begin(), file.end());
  if (end != root_->end()) return std::nullopt;
  return file;
}

std::optional<http::Response> StaticFiles::serve(const http::Request& req, std::string_view path) const {
  if (!root_ || (req.method() != http::Verb::get && req.method() != http::Verb::head)) return std::nullopt;
  const auto file = file_for(path);
  const auto body = file ? read_all(*file) : std::nullopt;
  if (!body) return http::error_response(req, http::Status::not_found, "no file " + std::string(path));
  http::Response res{http::Status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(Field::content_type, content_type(*file));
  res.set(Field::cache_control, "no-cache");
  res.body() = *body;
  res.prepare_payload();
  return res;
}

}  // namespace hexa::gateway
