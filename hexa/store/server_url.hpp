#pragma once
// URLs of database servers: "<scheme>://[user[:password]@]host[:port]/database?k=v&k=v".
// Shared by the PostgreSQL and MariaDB engines; user, password and database may be
// percent-encoded (a host starting with '/' after decoding is a Unix socket directory).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hexa {

struct ServerUrl {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  std::optional<std::uint16_t> port;
  std::string database;
  std::map<std::string, std::string> params;  // decoded

  // Removes and returns an engine option (pool=8), so the rest can go to the client library.
  std::optional<std::string> take(const std::string& name);
  // The same as an integer in [min, max]; throws hexa::Invalid naming it otherwise.
  std::optional<std::int64_t> take_int(const std::string& name, std::int64_t min, std::int64_t max);
};

// Throws hexa::Invalid for another scheme, a bad port or a missing database name.
ServerUrl parse_server_url(std::string_view url, std::string_view scheme);

}  // namespace hexa
