#pragma once
// Log lines name the service instance and the correlation key of the business case being
// handled, so one contract's story can be followed across services: `grep 'key=42' logs/*`.
#include <string>

namespace hexa {

void setup_logging(const std::string& instance, const std::string& level);

// While alive, log lines from this thread carry `key=<key>`.
class CorrelationScope {
 public:
  explicit CorrelationScope(std::string key);
  ~CorrelationScope();
  CorrelationScope(const CorrelationScope&) = delete;
  CorrelationScope& operator=(const CorrelationScope&) = delete;
  static const std::string& current();

 private:
  std::string previous_;
};

}  // namespace hexa
