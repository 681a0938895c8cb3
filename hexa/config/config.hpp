#pragma once
// Service configuration: a YAML file whose top level holds the defaults and whose
// `profiles.<name>` sections override them for each active profile (in the order given), then
// the environment overrides everything with Spring's relaxed names:
// `server.port` <- SERVER_PORT, `services.pay.url` <- SERVICES_PAY_URL,
// `fault.delay-ms` <- FAULT_DELAY_MS.
//
// Checked as userver checks its static config: every lookup is recorded, and once start-up has
// read what it needs, check_known() fails naming each key of the file (defaults and active
// profiles alike) that nobody read: a typo stops the service instead of silently falling back
// to a default. A key counts as read when it, or a section above it, was looked up or claimed.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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
  // Child keys directly under `prefix` ("services" -> {"pay", "contract"}). Not a read: the
  // reader then looks up the keys it knows under each child.
  std::vector<std::string> children(const std::string& prefix) const;

  // A component that reads `section` later, or only under some condition, owns all of it.
  void claim(const std::string& section) const;
  // The file's keys nobody has read or claimed, as spelt in the file ("profiles.kafka.bus.ulr").
  std::vector<std::string> unknown_keys() const;
  // Throws std::runtime_error naming the file and every unknown key (with the nearest known
  // key when one is close); the environment is not checked.
  void check_known() const;
  const std::vector<std::string>& profiles() const { return profiles_; }
  bool has_profile(const std::string& p) const;

  // "a, b,c" -> {"a","b","c"}; "default" is always included first.
  static std::vector<std::string> parse_profiles(const std::string& list);
  // "server.port" -> "SERVER_PORT"
  static std::string env_name(const std::string& key);

 private:
  struct Reads {  // what was looked up or claimed, shared by copies of one configuration
    std::mutex mutex;
    std::set<std::string> keys;
  };
  void record(const std::string& key) const;

  std::map<std::string, std::string> values_;    // flattened dotted keys
  std::map<std::string, std::string> spelling_;  // key -> as written, when a profile set it
  std::string source_;
  std::vector<std::string> profiles_;
  Env env_;
  std::shared_ptr<Reads> reads_ = std::make_shared<Reads>();
};

}  // namespace hexa
