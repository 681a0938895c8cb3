#include "hexa/auth/signing_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "hexa/auth/openssl.hpp"

namespace hexa::auth {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("auth: cannot read key file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

RsaKey private_key(const std::string& pem, const std::string& where) {
  try {
    auto key = RsaKey::from_pem(pem);
    if (!key.is_private()) throw std::invalid_argument("a public key, a private one is needed");
    return key;
  } catch (const std::exception& e) {
    throw std::runtime_error("auth: " + where + ": " + e.what());
  }
}

// Owner-only from the first byte: the file is created 0600, never chmod-ed afterwards.
void write_private(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("auth: cannot create " + path.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool ok = written == text.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("auth: cannot write " + path.string());
}

// Generates a key into a temporary file and links it into place: link() fails when the key
// exists, so of replicas starting together the first one's key wins and the others read it.
RsaKey generated_or_existing(const fs::path& path) {
  if (fs::exists(path)) return private_key(read_file(path), path.string());
  fs::create_directories(path.parent_path());
  fs::permissions(path.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  const auto key = RsaKey::generate(2048);
  const fs::path temp = path.string() + "." + ossl::hex(ossl::random_bytes(6)) + ".tmp";
  write_private(temp, key.private_pem());
  const bool linked = ::link(temp.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  fs::remove(temp);
  if (linked) {
    spdlog::info("auth: generated a signing key in {}", path.string());
    return key;
  }
  if (link_error != EEXIST)
    throw std::runtime_error("auth: cannot store " + path.string() + ": " + std::strerror(link_error));
  return private_key(read_file(path), path.string());
}

}  // namespace

RsaKey load_signing_key(const Config& config) {
  // All three read either way, so that each is a known key (Config::check_known).
  const auto pem = config.find("keys.private-key-pem");
  const auto file = config.find("keys.private-key-file");
  const fs::path data = config.get("data.dir", "data/auth");
  if (pem && !pem->empty()) return private_key(*pem, "keys.private-key-pem");
  if (file && !file->empty()) return private_key(read_file(*file), *file);
  return generated_or_existing(data / "keys" / "signing-key.pem");
}

}  // namespace hexa::auth
