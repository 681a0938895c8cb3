#pragma once
// Service configuration: a YAML file whose top level holds the defaults and whose
// `profiles.<name>` sections override them for each active profile (in the order given), then
// the environment overrides everything with Spring's relaxed names:
// `server.port` <- SERVER_PORT, `services.pay.url` <- SERVICES_PAY_URL,
// `fault.delay-ms` <- FAULT_DELAY_MS.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hexa {

class Config {
 public:
  using Env = std::function<std::optional<std::string>(const std::string&)>;
  static Env process_env();  // getenv

  // Throws std::runtime_error naming the file and line on malformed YAML.
  static Config load(const std::string& yaml_path, const std::vector<std::string>& profiles,
                     const Env& env = process_env());
  static Config from_string(const std::string& yaml, const std::vector<std::string>& profiles,
                            const Env& env = process_env());

  std::optional<std::string> find(const std::string& key) const;
  std::string get(const std::string& key, const std::string& fallback) const;
  std::int64_t get_int(const std::string& key, std::int64_t fallback) const;  // throws if not a number
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  // Child keys directly under `prefix` ("services" -> {"pay", "contract"}).
  std::vector<std::string> children(const std::string& prefix) const;
  const std::vector<std::string>& profiles() const { return profiles_; }
  bool has_profile(const std::string& p) const;

  // "a, b,c" -> {"a","b","c"}; "default" is always included first.
  static std::vector<std::string> parse_profiles(const std::string& list);
  // "server.port" -> "SERVER_PORT"
  static std::string env_name(const std::string& key);

 private:
  std::map<std::string, std::string> values_;  // flattened dotted keys
  std::vector<std::string> profiles_;
  Env env_;
};

}  // namespace hexa
