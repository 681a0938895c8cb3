#pragma once
// What every hexa executable does around its work: read the configuration it was given
// (--config <file>, profiles from PROFILE), set up logging, and stop cleanly on SIGTERM/SIGINT.
#include <string>

#include "hexa/config/config.hpp"

namespace hexa {

class Process {
 public:
  // Blocks SIGINT/SIGTERM first (construct it before any thread starts, so that only
  // wait_for_stop() receives them). Throws std::runtime_error when --config is missing.
  Process(int argc, char** argv, const std::string& default_instance);
  // A process given its configuration, for a service run in a test's process: neither signals
  // nor the logger are touched (the test's own stay).
  Process(Config config, const std::string& default_instance);
  const Config& config() const { return config_; }
  const std::string& instance() const { return instance_; }
  // --describe was given: print what the service declares and exit (service.hpp). Without
  // --config the configuration is then empty (defaults everywhere).
  bool describing() const { return describing_; }
  // Blocks until SIGTERM or SIGINT; returns the signal.
  int wait_for_stop() const;

 private:
  bool describing_;
  Config config_;
  std::string instance_;
};

}  // namespace hexa
